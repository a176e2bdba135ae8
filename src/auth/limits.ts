/**
 * Refuses deep, wide or costly operations during validation, before any resolver runs, with
 * extensions.code QUERY_TOO_COMPLEX (formatError maps the `limit` extension to that code).
 * Token counts are limited by the parser itself (parseOptions.maxTokens), so a 10,000-alias
 * document is refused while it is being read.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, ValidationContext } from 'graphql';
import type { LimitConfig } from '../config';

function refuse(limit: string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'QUERY_TOO_COMPLEX', limit } }));
  };
}

export function queryLimits(limits: LimitConfig) {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, onReject: [refuse('depth')], propagateOnRejection: false },
    maxAliases: { n: limits.maxAliases, onReject: [refuse('aliases')], propagateOnRejection: false },
    costLimit: { maxCost: limits.maxCost, onReject: [refuse('cost')], propagateOnRejection: false },
    maxDirectives: { n: 50, onReject: [refuse('directives')], propagateOnRejection: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: true },
  });
  const { validationRules, plugins } = armor.protect();
  return { validationRules, plugins };
}
