/**
 * The rest of a list export after its first page, streamed: the rows come from one SQL cursor
 * (src/analysis/exportStreams.ts) and are turned into what GraphQL would have answered for them
 * (each column through its GraphQL type's `serialize`: enum names, ISO dates, ...), then written
 * by the same row writers, a batch at a time, waiting whenever the client (or the compressor)
 * is behind. The first page was the GraphQL operation itself, so every check ran before this.
 */
import { FieldNode, getArgumentValues, getNamedType, getNullableType, getVariableValues, GraphQLOutputType, GraphQLSchema, isLeafType, isListType, Kind, OperationDefinitionNode, parse } from 'graphql';
import type { RowWriter } from '../analysis/exports';
import { listRowsAfter } from '../analysis/exportStreams';
import type { RequestContext } from '../context';

/** What streaming needs of an export's plan (src/http/exports.ts): the operation, and the columns of a row. */
export interface StreamedPlan {
  field: string;
  operation: string;
  rowType: string;
  columns: string[];
  geometryField: string | null;
}

type Serialize = (value: unknown) => unknown;

function serializerOf(type: GraphQLOutputType): Serialize {
  const inner = getNullableType(type);
  if (isListType(inner)) {
    const item = serializerOf(inner.ofType as GraphQLOutputType);
    return (value) => (Array.isArray(value) ? value.map((v) => (v === null || v === undefined ? null : item(v))) : value);
  }
  const named = getNamedType(inner);
  if (!isLeafType(named)) throw new Error(`${named.name} is not a leaf type`);
  // what GraphQL's date scalar answers for a Date (it checks the date, then this), without its checks per row
  if (named.name === 'DateTimeISO') return (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : named.serialize(value));
  return (value) => named.serialize(value);
}

/** The row as GraphQL answers it: every column of the plan through its type's serializer, nulls as null. */
export function rowSerializer(schema: GraphQLSchema, plan: StreamedPlan): (row: Record<string, unknown>) => Record<string, unknown> {
  const type = schema.getType(plan.rowType) as { getFields: () => Record<string, { type: GraphQLOutputType }> };
  const fields = [...plan.columns, ...(plan.geometryField ? [plan.geometryField] : [])];
  const serializers = fields.map((name) => [name, serializerOf(type.getFields()[name].type)] as const);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [name, serialize] of serializers) {
      const value = row[name];
      out[name] = value === null || value === undefined ? null : serialize(value);
    }
    return out;
  };
}

/** The query's arguments as GraphQL coerces the export's variables (they passed GraphQL's validation on the first page). */
export function coercedArguments(schema: GraphQLSchema, plan: StreamedPlan, variables: Record<string, unknown>): Record<string, unknown> {
  const operation = parse(plan.operation).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) throw coerced.errors[0];
  const node = operation.selectionSet.selections[0] as FieldNode;
  return getArgumentValues(schema.getQueryType()!.getFields()[plan.field], node, coerced.coerced);
}

/** Writes every row after `after` as `writer` formats it, a batch per write; resolves with the number of rows. */
export async function writeStreamedRows(
  ctx: RequestContext,
  schema: GraphQLSchema,
  plan: StreamedPlan,
  variables: Record<string, unknown>,
  after: string,
  writer: RowWriter,
  write: (chunk: string) => Promise<void>,
): Promise<number> {
  const serialize = rowSerializer(schema, plan);
  const rows = listRowsAfter(ctx, plan.field, coercedArguments(schema, plan, variables), after);
  let count = 0;
  // a client that goes away makes `write` throw, which ends the loop and closes the cursor
  for await (const batch of rows) {
    let chunk = '';
    for (const row of batch) chunk += writer.row(serialize(row), false);
    count += batch.length;
    await write(chunk);
  }
  return count;
}
