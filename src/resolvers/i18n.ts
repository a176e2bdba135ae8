/** The API's words: enum labels and the public view's month. Argument mapping and one call each. */
import { Arg, Authorized, Ctx, Info, Query, Resolver } from 'type-graphql';
import { isEnumType, type GraphQLResolveInfo } from 'graphql';
import { languageOfRequest, lastMonthWithData, vocabulary } from '../analysis/vocabulary';
import { rolesFor } from '../auth/roleRules';
import type { RequestContext } from '../context';
import { EnumLabels, LanguageEnum, MonthWindow } from '../schema/i18n';

@Resolver()
export class VocabularyQueries {
  @Authorized(...rolesFor('Query.vocabulary'))
  @Query(() => [EnumLabels], { description: "Every enum of the schema with each value's label in a language (the `lang` argument, else Accept-Language, else English)." })
  vocabulary(
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('lang', () => LanguageEnum, { nullable: true, description: 'The language of the words; the request language (Accept-Language, else English) when left out.' }) lang?: string,
  ): EnumLabels[] {
    const enums = Object.values(info.schema.getTypeMap())
      .filter((t) => isEnumType(t) && !t.name.startsWith('__'))
      .map((t) => ({ name: t.name, values: isEnumType(t) ? t.getValues().map((v) => v.name) : [] }));
    return vocabulary(languageOfRequest(ctx, lang), enums);
  }

  @Authorized(...rolesFor('Query.lastMonthWithData'))
  @Query(() => MonthWindow, {
    nullable: true,
    description:
      'The last whole ended calendar month (UTC) that has incidents: the window the public view of the map shows (the release rules allow one whole ended month below the analyst role). Null when no incident is stored.',
  })
  lastMonthWithData(
    @Ctx() ctx: RequestContext,
    @Arg('lang', () => LanguageEnum, { nullable: true, description: 'The language of the words; the request language (Accept-Language, else English) when left out.' }) lang?: string,
  ): Promise<MonthWindow | null> {
    return lastMonthWithData(ctx, languageOfRequest(ctx, lang));
  }
}
