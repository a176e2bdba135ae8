/**
 * Every id argument and id filter, malformed as an attacker would send it: GraphQL arguments
 * (found in the built schema, so a new one without a case here fails), exports and tiles. Each
 * answers BAD_USER_INPUT naming the argument's path, never INTERNAL_SERVER_ERROR (an SQL error
 * and its stack in the log).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, GraphQLInputType, GraphQLObjectType, GraphQLSchema, isInputObjectType, isLeafType, isListType, isNonNullType } from 'graphql';
import { EXPORTS } from '../../src/http/exports';
import { TILE_LAYERS } from '../../src/http/tileLayers';
import { buildApiSchema } from '../../src/graphql/build';
import { startTestServer, TEST_ADMIN, TestServer, testUserHeaders } from '../support/server';
import { tileOf } from '../support/tiles';

/** Not ids: words, empty, signed, fractional, exponent, hex, padded, too long for a bigint, SQL. */
const MALFORMED = ['abc', '', '-1', '1.5', '1e3', '0x1F', ' 7', '99999999999999999999', "1' OR '1'='1"];

/** Required arguments, other than the id, that each root field needs to run at all. */
const OTHER_ARGS: Record<string, Record<string, unknown>> = {
  suggestPostSites: { count: 1 },
  changeRecommendationStatus: { status: 'ACCEPTED' },
  closeRecommendation: { fixedAt: '2026-01-01T00:00:00Z' },
  commentOnRecommendation: { comment: 'id test' },
  createRecommendation: { input: { title: 'id test', agency: 'LIGHTING' } },
  // the id of an open case is filled in by beforeAll, so that the items are what is checked
  updateRecommendation: { input: {} },
};

interface IdArgument {
  root: 'Query' | 'Mutation';
  field: string;
  /** dotted path through arguments and input fields, e.g. `filter.area.districtId` */
  path: string;
  /** the segments that are lists, whose value is given as a one-item list */
  lists: Set<string>;
}

/** Every argument or input field of type ID under a root field, through nested inputs and lists. */
function idArguments(schema: GraphQLSchema): IdArgument[] {
  const out: IdArgument[] = [];
  const walk = (root: IdArgument['root'], field: string, type: GraphQLInputType, path: string, lists: Set<string>, seen: Set<string>) => {
    const inner = isNonNullType(type) ? type.ofType : type;
    const listed = isListType(inner) ? new Set([...lists, path]) : lists;
    const named = getNamedType(inner);
    if (named.name === 'ID') out.push({ root, field, path, lists: listed });
    else if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const f of Object.values(named.getFields())) walk(root, field, f.type, `${path}.${f.name}`, listed, new Set([...seen, named.name]));
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()] as GraphQLObjectType[]) {
    for (const field of Object.values(root.getFields())) for (const arg of field.args) walk(root.name as IdArgument['root'], field.name, arg.type, arg.name, new Set(), new Set());
  }
  return out;
}

/** Sets `value` at `path` in `args`, lists as one-item lists; returns the path as the resolver names it (`input.items[0].roadDefectId`). */
function withValue(args: Record<string, unknown>, id: IdArgument, value: string): { args: Record<string, unknown>; named: string } {
  const copy = structuredClone(args);
  const segments = id.path.split('.');
  let node: Record<string, unknown> = copy;
  const named: string[] = [];
  segments.forEach((segment, i) => {
    const prefix = segments.slice(0, i + 1).join('.');
    const last = i === segments.length - 1;
    if (last) node[segment] = id.lists.has(prefix) ? [value] : value;
    else {
      const child = (node[segment] as Record<string, unknown> | undefined) ?? {};
      node[segment] = id.lists.has(prefix) ? [child] : child;
      node = child;
    }
    named.push(id.lists.has(prefix) && !last ? `${segment}[0]` : segment);
  });
  return { args: copy, named: named.join('.') };
}

function operationOf(schema: GraphQLSchema, id: IdArgument, args: Record<string, unknown>): string {
  const root = (id.root === 'Query' ? schema.getQueryType() : schema.getMutationType())!;
  const field = root.getFields()[id.field];
  const names = Object.keys(args);
  const declarations = names.map((n) => `$${n}: ${String(field.args.find((a) => a.name === n)!.type)}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${id.root === 'Query' ? 'query' : 'mutation'}(${declarations}) { ${id.field}(${names.map((n) => `${n}: $${n}`).join(', ')})${selection} }`;
}

let t: TestServer;
let schema: GraphQLSchema;
let ids: IdArgument[];

beforeAll(async () => {
  t = await startTestServer({}, { actAs: TEST_ADMIN });
  const created = await t.gql<{ createRecommendation: { id: string } }>(
    'mutation { createRecommendation(input: { title: "id test", agency: LIGHTING, geometry: { type: "Point", coordinates: [76.95, 43.24] } }) { id } }',
  );
  OTHER_ARGS.updateRecommendation.id = created.data!.createRecommendation.id;
  schema = await buildApiSchema();
  ids = idArguments(schema);
});

afterAll(async () => {
  await t?.stop();
});

async function get(path: string): Promise<{ status: number; body: { errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(`http://localhost:${t.server.port}${path}`, { headers: testUserHeaders(TEST_ADMIN) });
  const text = await response.text();
  return { status: response.status, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {} };
}

describe('GraphQL id arguments', () => {
  const nameOf = (i: IdArgument) => `${i.root}.${i.field} ${i.path}`;
  // the cases are named when jest collects them, before any hook: from schema.graphql
  const schemaFile = buildSchemaSync();
  const cases = () => idArguments(schemaFile).map((i) => [`${i.root}.${i.field}`, i.path, i] as const);

  it('finds the id arguments of the schema (the cases below are generated from them)', () => {
    const names = ids.map(nameOf);
    expect(idArguments(schemaFile).map(nameOf).sort()).toEqual([...names].sort());
    for (const known of [
      'Query.areas filter.parentId',
      'Query.area id',
      'Query.post id',
      'Query.postReach postId',
      'Query.hexagons area.districtId',
      'Query.posts filter.area.precinctId',
      'Query.recommendation id',
      'Mutation.closeRecommendation id',
      'Mutation.createRecommendation input.items.lightingOutageId',
      'Mutation.updateRecommendation input.items.riskFeatureId',
    ]) {
      expect(names).toContain(known);
    }
    expect(names.length).toBeGreaterThanOrEqual(50);
  });

  const check = async (id: IdArgument) => {
    for (const value of MALFORMED) {
      const { args, named } = withValue(OTHER_ARGS[id.field] ?? {}, id, value);
      const res = await t.gql(operationOf(schema, id, args), args);
      const errors = res.errors ?? [];
      const context = `${id.field}(${id.path}: ${JSON.stringify(value)}) answered ${JSON.stringify(errors)}`;
      expect({ context, codes: errors.map((e) => e.extensions?.code) }).toEqual({ context, codes: ['BAD_USER_INPUT'] });
      expect({ context, argumentPath: errors[0].extensions?.argumentPath }).toEqual({ context, argumentPath: named });
      expect(errors[0].message).toMatch(new RegExp(`^${named.replace(/[.[\]]/g, '\\$&')}: .*is not an id`));
    }
  };

  it.each(cases())('%s %s: each malformed value is BAD_USER_INPUT naming it', async (_field, _path, id) => check(id), 60_000);

  it('a well-formed id that names nothing is no internal error either', async () => {
    for (const id of ids) {
      const { args } = withValue(OTHER_ARGS[id.field] ?? {}, id, '987654321');
      const res = await t.gql(operationOf(schema, id, args), args);
      const codes = (res.errors ?? []).map((e) => e.extensions?.code);
      expect({ field: id.field, path: id.path, codes: codes.filter((c) => c === 'INTERNAL_SERVER_ERROR') }).toEqual({ field: id.field, path: id.path, codes: [] });
    }
  }, 120_000);
});

describe('exports', () => {
  const required: Record<string, string> = { suggestPostSites: 'count=1' };
  it('every id parameter of every export: 400 BAD_USER_INPUT naming it', async () => {
    const exported = new Set(EXPORTS.map((e) => e.field));
    let tried = 0;
    for (const id of ids.filter((i) => i.root === 'Query' && exported.has(i.field))) {
      const name = id.path.split('.').pop()!;
      for (const value of ['abc', '-1', '99999999999999999999']) {
        const query = [required[id.field], `${name}=${encodeURIComponent(value)}`].filter(Boolean).join('&');
        const res = await get(`/export/${id.field}.csv?${query}`);
        const context = `/export/${id.field}.csv?${query}: ${res.status} ${JSON.stringify(res.body)}`;
        expect({ context, status: res.status, code: res.body.errors?.[0].extensions?.code }).toEqual({ context, status: 400, code: 'BAD_USER_INPUT' });
        expect(res.body.errors![0].message).toMatch(new RegExp(`^${id.path.replace(/\./g, '\\.')}: .*is not an id`));
        tried++;
      }
    }
    // areas?parentId, posts / hexagons / ... ?districtId and ?precinctId, postReach?postId
    expect(tried).toBeGreaterThanOrEqual(3 * 30);
  }, 120_000);

  it('/export/areas.csv?parentId=abc names filter.parentId', async () => {
    const res = await get('/export/areas.csv?parentId=abc');
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'filter.parentId' });
  });
});

describe('tiles', () => {
  it('every id parameter of every tile layer: 400 BAD_USER_INPUT naming it', async () => {
    let tried = 0;
    for (const layer of TILE_LAYERS) {
      const z = Math.max(layer.minzoom, Math.min(12, layer.maxzoom));
      const { x, y } = tileOf(76.93, 43.24, z);
      for (const name of Object.keys(layer.parameters).filter((p) => /Id$/.test(p))) {
        for (const value of ['abc', '', '-1', '99999999999999999999']) {
          const res = await get(`/tiles/${layer.name}/${z}/${x}/${y}.mvt?${name}=${encodeURIComponent(value)}`);
          const context = `${layer.name}?${name}=${value}: ${res.status} ${JSON.stringify(res.body)}`;
          expect({ context, status: res.status, code: res.body.errors?.[0].extensions?.code }).toEqual({ context, status: 400, code: 'BAD_USER_INPUT' });
          expect(res.body.errors![0].extensions?.argumentPath).toMatch(new RegExp(`(^|\\.)${name}$`));
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThanOrEqual(4 * 10);
  }, 120_000);
});

/** The schema for naming the cases, which jest collects before any hook runs: schema.graphql, the built schema's printed twin (test/unit/graphql/schemaFile.test.ts keeps them equal). */
function buildSchemaSync(): GraphQLSchema {
  return buildSchema(fs.readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
}
