import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { GeoJSONDocumentScalar } from './scalars';

@ObjectType({ description: 'The caller of a request, as authentication established it.' })
export class Caller {
  @Field({ description: 'Token subject or API key name; anonymous without credentials.' })
  id: string;

  @Field({ description: 'admin, analyst, working_group, agency or public.' })
  role: string;

  @Field(() => String, { nullable: true, description: 'For agency users, the only agency whose cases and fixes they see.' })
  agency: string | null;
}

@ObjectType({ description: 'One read of raw incident points.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Entry id; newer entries have larger ids.' })
  id: string;

  @Field(() => Date, { description: 'When the rows were read.' })
  at: Date;

  @Field({ description: 'Who read them (token subject or API key name).' })
  userId: string;

  @Field({ description: 'Role of the reader at the time.' })
  role: string;

  @Field({ description: 'The query that read them, e.g. incidents.' })
  operation: string;

  @Field(() => GeoJSONDocumentScalar, { description: 'The filter and page asked for, as JSON.' })
  filter: unknown;

  @Field(() => Int, { description: 'How many incident rows were returned.' })
  rowCount: number;
}

@ObjectType({ description: 'A page of audit entries, newest first.' })
export class AuditEntryConnection {
  @Field(() => [AuditEntry], { description: 'The entries of this page.' })
  nodes: AuditEntry[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next (older) page.' })
  endCursor: string | null;

  @Field({ description: 'Whether older entries follow.' })
  hasNextPage: boolean;
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => Int, { nullable: true, description: 'Page size; defaults to 100, at most the server maximum.' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor from `endCursor` of the previous page.' })
  after?: string;

  @Field(() => String, { nullable: true, description: 'Only reads by this user (token subject or API key name).' })
  user?: string;

  @Field(() => Date, { nullable: true, description: 'Only reads at or after this moment.' })
  since?: Date;
}
