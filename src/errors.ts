import { GraphQLError } from 'graphql';

/** A refusal of bad input that names the argument and the reason (extensions.code BAD_USER_INPUT). */
export function badInput(argumentPath: string, reason: string): GraphQLError {
  return new GraphQLError(`${argumentPath}: ${reason}`, {
    extensions: { code: 'BAD_USER_INPUT', argumentPath, reason },
  });
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} was not found`, { extensions: { code: 'NOT_FOUND', id } });
}

/** The caller is known but may not touch this record (e.g. another agency's case). */
export function forbidden(reason: string): GraphQLError {
  return new GraphQLError(reason, { extensions: { code: 'FORBIDDEN' } });
}
