/** The languages of the API and the answers that name things in them. */
import { Field, ObjectType, registerEnumType } from 'type-graphql';

export const LanguageEnum = { EN: 'en', RU: 'ru', KK: 'kk' } as const;
registerEnumType(LanguageEnum, {
  name: 'Language',
  description: "A language of the API's words: EN, RU or KK (Kazakh). Without a `lang` argument the request's Accept-Language decides, else English.",
  valuesConfig: { EN: { description: 'English.' }, RU: { description: 'Russian.' }, KK: { description: 'Kazakh.' } },
});

@ObjectType({ simpleResolvers: true, description: 'One value of an enum and its label.' })
export class EnumValueLabel {
  @Field({ description: 'The value as GraphQL spells it (THEFT).' })
  value: string;

  @Field({ description: 'The value in words, in the language asked.' })
  label: string;
}

@ObjectType({ simpleResolvers: true, description: 'The labels of one enum of the schema.' })
export class EnumLabels {
  @Field({ description: 'The enum type (IncidentCategory).' })
  enum: string;

  @Field(() => [EnumValueLabel], { description: 'Every value with its label.' })
  values: EnumValueLabel[];
}

@ObjectType({ simpleResolvers: true, description: 'A whole calendar month (UTC), as the release rules count months.' })
export class MonthWindow {
  @Field(() => Date, { description: 'First instant of the month (inclusive): the `from` of a window.' })
  from: Date;

  @Field(() => Date, { description: 'First instant of the next month (exclusive): the `to` of a window.' })
  to: Date;

  @Field({ description: 'The month as YYYY-MM.' })
  month: string;

  @Field({ description: "The month in words, in the caller's language (May 2024, май 2024 г., 2024 ж. мамыр)." })
  label: string;
}
