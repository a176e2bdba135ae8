import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How the privacy rules shaped this answer (see docs/security.md).' })
export class PrivacyNote {
  @Field({ description: 'True when the caller is below the analyst role and the release rules applied; false for analysts and admins (true counts).' })
  applied: boolean;

  @Field(() => Int, { description: 'Counts from 1 to threshold - 1 are returned as null with suppressed = true.' })
  threshold: number;

  @Field(() => Int, { description: 'H3 resolution of the answer (below analyst always the release resolution, whatever was asked).' })
  resolution: number;

  @Field(() => Int, { description: 'Cells whose incident count was suppressed.' })
  suppressedCells: number;

  @Field({ description: 'The rules applied, in words.' })
  rules: string;
}
