/**
 * Exports: `GET /export/{query}.geojson` and `GET /export/{query}.csv` for every list and
 * aggregate query in the registry below. The query-string parameters are the query's
 * arguments by name (a `filter`'s fields flattened: `bbox`, `districtId`, `from`, `to`,
 * `categories`, `kinds`, `status`, `resolution`, `k`, ...). Each export runs the GraphQL
 * operation through the server's own executor with the request's context, so roles, privacy
 * rules, validation and limits are those of GraphQL by construction. Lists are read page by
 * page and each page is written as it arrives; analyses are written row by row. An analysis
 * whose area is left out covers the city (as its tiles do). `GET /export/{query}.csvt` is the
 * GDAL type row of the CSV (same parameters), so QGIS and ogr2ogr read numbers as numbers.
 * Errors name the URL parameter, never a GraphQL variable.
 */
import express, { Request, Response, Router } from 'express';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { CsvType, csvtRow, exportRowWriter, ExportFormat } from '../analysis/exports';
import { exportLanguage, localiseExport } from '../analysis/exportLabels';
import { LABEL_EXTENSION } from '../i18n';
import { text } from '../i18n/texts';
import { queryFieldRoles, roleAllowed } from '../auth/authChecker';
import type { Config } from '../config';
import type { BBox, Role } from '../domain';
import { badInput } from '../errors';
import { budgetOfRequest, UNITS } from '../compute/budget';
import { streamsList } from '../analysis/exportStreams';
import type { RequestContext } from '../context';
import { failure, GraphQLResult, httpError, languageOfRequest, sendError } from './errors';
import { writeStreamedRows } from './exportStream';
import { checkKnownParams, QueryParams, queryParams } from './params';

export interface ExportDefinition {
  /** The GraphQL query field, also the name in the URL. */
  field: string;
  /** Point layer: CSV has `lng` and `lat` columns beside the WKT. */
  points?: boolean;
}

/**
 * What can be exported. Who may export is who may run the query (its `@Authorized` roles from the
 * role table, checked before anything runs, as for tiles); cells of analyses follow the privacy
 * rules of their queries, which run as for GraphQL. A new list or aggregate query becomes
 * exportable with one line here.
 */
export const EXPORTS: ExportDefinition[] = [
  { field: 'incidents', points: true },
  { field: 'lightingOutages' },
  { field: 'roadDefects' },
  { field: 'youthFacilities' },
  { field: 'riskFeatures' },
  { field: 'posts', points: true },
  { field: 'population' },
  { field: 'areas' },
  { field: 'hexagons' },
  { field: 'hotspots' },
  { field: 'clusters' },
  { field: 'densitySurface' },
  // rows: the cells under elevated near-repeat risk, with the Knox table in the metadata
  { field: 'nearRepeat' },
  { field: 'forecastHotspots' },
  // rows: the methods with their scores (the per-share scores as JSON)
  { field: 'forecastBacktest' },
  { field: 'emergingHotSpots' },
  { field: 'riskSurface' },
  { field: 'fixPriorities' },
  { field: 'recommendations' },
  // rows: the uncovered hot spot cells, with the coverage figures in the metadata
  { field: 'coverage' },
  { field: 'postReach' },
  { field: 'suggestPostSites' },
  { field: 'minimumPostSites' },
  { field: 'riskFactors' },
  { field: 'agencyStatistics' },
  { field: 'recommendationsEvaluation' },
];

export type { GraphQLResult } from './errors';

export type Execute = (req: Request, query: string, variables: Record<string, unknown>) => Promise<GraphQLResult>;

export interface ExportPlan {
  field: string;
  operation: string;
  variables: Record<string, unknown>;
  paged: boolean;
  /** the field of the answer that holds the rows (nodes of a connection, cells of an analysis) */
  rowsField: string;
  /** the query answers a bare list: the answer itself is the rows */
  rootList: boolean;
  /** the GraphQL type of a row */
  rowType: string;
  columns: string[];
  columnTypes: CsvType[];
  geometryField: string | null;
  idField: string | null;
  points: boolean;
}

const GEOMETRY_SCALAR = 'GeoJSON';
const PAGE_ARGS = new Set(['first', 'after']);

function isGeometryField(field: GraphQLField<unknown, unknown>): boolean {
  return getNamedType(field.type).name === GEOMETRY_SCALAR;
}

function leafFields(type: GraphQLObjectType, labels = false): GraphQLField<unknown, unknown>[] {
  return Object.values(type.getFields()).filter((f) => {
    const named = getNamedType(f.type);
    // the words beside enum values only when an export asks for a language
    if (!labels && f.extensions?.[LABEL_EXTENSION]) return false;
    // whole documents (featureCollection) repeat the rows; fields with required arguments cannot be asked blindly
    return isLeafType(named) && named.name !== 'GeoJSONDocument' && !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  });
}

function listOfObjects(field: GraphQLField<unknown, unknown>): GraphQLObjectType | null {
  let type = field.type;
  if (isNonNullType(type)) type = type.ofType;
  if (!isListType(type)) return null;
  const named = getNamedType(type);
  return isObjectType(named) ? named : null;
}

function leafValue(type: GraphQLNamedType, raw: string): unknown {
  if (isEnumType(type)) return raw.trim().toUpperCase();
  if (isScalarType(type)) {
    if (type.name === 'Int' || type.name === 'Float') return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
    if (type.name === 'Boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
    if (type.name === GEOMETRY_SCALAR) {
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
  }
  return raw;
}

/** The value of an argument or input field from the query string, by name; undefined when not given. */
function inputValue(type: GraphQLInputType, name: string, params: QueryParams, known: Set<string>): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isInputObjectType(inner)) {
    const object: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      const value = inputValue(field.type, field.name, params, known);
      if (value !== undefined) object[field.name] = value;
    }
    return Object.keys(object).length > 0 ? object : undefined;
  }
  known.add(name);
  const raw = params[name];
  if (raw === undefined) return undefined;
  if (isListType(inner))
    return raw
      .split(',')
      .filter((v) => v.trim() !== '')
      .map((v) => leafValue(getNamedType(inner), v));
  return leafValue(inner as GraphQLNamedType, raw);
}

/** GDAL's type of a leaf field (lists are written as text, values separated by semicolons). */
function csvTypeOf(field: GraphQLField<unknown, unknown>): CsvType {
  const inner = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (isListType(inner)) return 'String';
  const name = getNamedType(inner).name;
  if (name === 'Int') return 'Integer';
  if (name === 'Float') return 'Real';
  if (name === 'Boolean') return 'Integer(Boolean)';
  if (/DateTime/.test(name)) return 'DateTime';
  return 'String';
}

/** The URL parameters an argument is given by (its leaf fields, flattened), for messages. */
function parametersOf(type: GraphQLInputType, name: string): string[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isInputObjectType(inner) ? Object.values(inner.getFields()).flatMap((f) => parametersOf(f.type, f.name)) : [name];
}

const AREA_INPUT = 'AreaInput';

function selectionOf(type: GraphQLObjectType, labels = false): string {
  return leafFields(type, labels)
    .map((f) => f.name)
    .join(' ');
}

/** The operation, variables and columns of one export, read off the schema. */
export function planExport(schema: GraphQLSchema, field: string, params: QueryParams, options: { cityBounds?: BBox; points?: boolean; labels?: boolean } = {}): ExportPlan {
  const root = schema.getQueryType()?.getFields()[field];
  if (!root) throw httpError('NOT_FOUND', text('http.noQuery', { query: field }));
  const answer = getNamedType(root.type);
  if (!isObjectType(answer)) throw httpError('NOT_FOUND', text('http.noRows', { query: field }));
  const rootList = listOfObjects(root) !== null;
  const answerFields = answer.getFields();
  const paged = 'nodes' in answerFields && 'pageInfo' in answerFields;
  const listFields = Object.values(answerFields).filter((f) => listOfObjects(f) !== null);
  const rows = rootList ? root : paged ? answerFields.nodes : (listFields.find((f) => Object.values(listOfObjects(f)!.getFields()).some(isGeometryField)) ?? listFields[0]);
  if (!rows) throw httpError('NOT_FOUND', text('http.noRows', { query: field }));
  const rowType = listOfObjects(rows)!;
  const rowFields = leafFields(rowType, options.labels);
  const geometry = rowFields.find((f) => isGeometryField(f) && (f.name === 'geometry' || f.name === 'boundary')) ?? rowFields.find(isGeometryField) ?? null;

  const variables: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const arg of root.args) {
    if (paged && PAGE_ARGS.has(arg.name)) continue;
    const value = inputValue(arg.type, arg.name, params, known);
    if (value !== undefined) variables[arg.name] = value;
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
      // a required area left out is the city, as for tiles; any other required argument is named by its URL parameters
      if (getNamedType(arg.type).name === AREA_INPUT && options.cityBounds) variables[arg.name] = { bbox: [...options.cityBounds] };
      else {
        const names = parametersOf(arg.type, arg.name);
        throw badInput(names.length === 1 ? names[0] : names.join('|'), names.length === 1 ? 'is required' : `give one of the parameters ${names.join(', ')}`);
      }
    }
  }
  checkKnownParams(params, [...known], `the ${field} export`);
  // arguments left out keep their GraphQL defaults; a required one left out is named by GraphQL's own error
  const args = root.args.filter((a) => a.name in variables || (isNonNullType(a.type) && a.defaultValue === undefined));
  const declarations = [...args.map((a) => `$${a.name}: ${String(a.type)}`), ...(paged ? ['$first: Int', '$after: String'] : [])];
  const callArgs = [...args.map((a) => `${a.name}: $${a.name}`), ...(paged ? ['first: $first', 'after: $after'] : [])];
  const rowSelection = `${rows.name} { ${selectionOf(rowType, options.labels)} }`;
  let answerSelection: string;
  if (rootList) {
    answerSelection = selectionOf(rowType, options.labels);
  } else if (paged) {
    answerSelection = `${rowSelection} pageInfo { endCursor hasNextPage }${'totalCount' in answerFields ? ' totalCount' : ''}`;
  } else {
    // what the analysis says about itself (method, study area, warnings) travels with the rows
    const about = Object.values(answerFields)
      .filter((f) => f !== rows)
      .map((f) => {
        const named = getNamedType(f.type);
        if (leafFields(answer).includes(f)) return f.name;
        return isObjectType(named) && leafFields(named).length > 0 ? `${f.name} { ${selectionOf(named)} }` : null;
      })
      .filter((s): s is string => s !== null);
    answerSelection = [...about, rowSelection].join(' ');
  }
  const operation = `query Export${declarations.length ? `(${declarations.join(', ')})` : ''} { ${field}${callArgs.length ? `(${callArgs.join(', ')})` : ''} { ${answerSelection} } }`;
  const columnFields = rowFields.filter((f) => f !== geometry);
  const columns = columnFields.map((f) => f.name);
  return {
    field,
    operation,
    variables,
    paged,
    rowsField: rows.name,
    rootList,
    rowType: rowType.name,
    columns,
    columnTypes: columnFields.map(csvTypeOf),
    geometryField: geometry?.name ?? null,
    idField: ['id', 'h3', 'postId'].find((c) => columns.includes(c)) ?? null,
    points: options.points === true && geometry !== null,
  };
}

/**
 * Writes chunks, waiting when the client reads slower than the rows come. One `drain` listener
 * per response: the compression middleware moves drain listeners to its zlib stream, where
 * `once` listeners would never be removed (they remove themselves from the response).
 */
function chunkWriter(res: Response): (chunk: string) => Promise<void> {
  let waiting: (() => void) | null = null;
  res.on('drain', () => {
    const resume = waiting;
    waiting = null;
    resume?.();
  });
  return async (chunk) => {
    if (res.destroyed) throw new Error('client went away');
    if (chunk === '' || res.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const onClose = () => reject(new Error('client went away'));
      res.once('close', onClose);
      waiting = () => {
        res.off('close', onClose);
        resolve();
      };
    });
  };
}

/** The rows of one answer (a page of a list, the cells of an analysis, or a bare list). */
export function rowsOf(plan: ExportPlan, answer: unknown): Record<string, unknown>[] {
  const rows = plan.rootList ? (Array.isArray(answer) ? answer : []) : (answer as Record<string, unknown>)[plan.rowsField];
  return (rows ?? []) as Record<string, unknown>[];
}

const CONTENT_TYPES: Record<ExportFormat, string> = { geojson: 'application/geo+json; charset=utf-8', csv: 'text/csv; charset=utf-8' };
const EXPORT_PATH = /^\/([A-Za-z]+)\.(geojson|csv|csvt)$/;
/** Rows read per page of a list export. */
const EXPORT_PAGE_SIZE = (config: Config) => config.maxPageSize;

export function exportsRouter(config: Config, schema: GraphQLSchema, execute: Execute, roleOf: (req: Request) => Promise<Role>, contextOf?: (req: Request) => Promise<RequestContext>): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const base = `${req.protocol}://${req.get('host')}`;
    res.json({ exports: EXPORTS.map((e) => ({ query: e.field, geojson: `${base}/export/${e.field}.geojson`, csv: `${base}/export/${e.field}.csv`, csvt: `${base}/export/${e.field}.csvt` })) });
  });
  router.get(/.*/, async (req: Request, res: Response) => {
    try {
      const match = EXPORT_PATH.exec(req.path);
      if (!match) throw httpError('NOT_FOUND', text('http.exportPaths'));
      const definition = EXPORTS.find((e) => e.field === match[1]);
      if (!definition) throw httpError('NOT_FOUND', text('http.noExport', { name: match[1].slice(0, 40), exports: EXPORTS.map((e) => e.field).join(', ') }));
      const role = await roleOf(req);
      const roles = queryFieldRoles(definition.field);
      if (roles && !roleAllowed(role, roles)) {
        throw role === 'public' ? httpError('UNAUTHENTICATED', text('http.exportCredentials', { query: definition.field })) : httpError('FORBIDDEN', text('http.exportForbidden', { role, query: definition.field }));
      }
      // lang and excel shape the file for people (src/analysis/exportLabels.ts), not the query
      const { lang: langParam, excel, ...params } = queryParams(req);
      const lang = exportLanguage(langParam);
      if (lang === null) throw badInput('lang', 'must be en, ru or kk');
      const machinePlan = planExport(schema, definition.field, params, { cityBounds: config.cityBounds, points: definition.points, labels: lang !== undefined });
      const labelColumns = new Set(machinePlan.columns.filter((c) => c.endsWith('Label') && machinePlan.columns.includes(c.slice(0, -'Label'.length))));
      const localised = localiseExport(machinePlan, { lang: lang ?? null, excel: excel === '1' || excel === 'true', timeZone: config.timeZone }, labelColumns);
      const plan = localised.plan;
      if (match[2] === 'csvt') {
        res.status(200).set({ 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="${plan.field}.csvt"` });
        res.send(csvtRow(plan));
        return;
      }
      const format = match[2] as ExportFormat;
      const writer = exportRowWriter(format, plan);
      const variables = plan.paged ? { ...plan.variables, first: EXPORT_PAGE_SIZE(config) } : plan.variables;
      let result = await execute(req, plan.operation, variables);
      const problem = failure(result);
      if (problem) throw problem;
      let answer = (result.data?.[plan.field] ?? {}) as Record<string, unknown>;
      // every row written is charged to the request's compute budget, the first page before the status is sent
      const chargeRows = () => budgetOfRequest(req)?.chargeNow(rowsOf(plan, answer).length * UNITS.exportRow, `export of ${plan.field}: ${rowsOf(plan, answer).length} rows x ${UNITS.exportRow}`);
      chargeRows();
      res.status(200).set({ 'Content-Type': CONTENT_TYPES[format], 'Content-Disposition': `attachment; filename="${plan.field}.${format}"` });
      const about: Record<string, unknown> = { query: plan.field, parameters: plan.variables };
      if (!plan.paged && !plan.rootList) for (const [key, value] of Object.entries(answer)) if (key !== plan.rowsField) about[key] = value;
      const write = chunkWriter(res);
      await write(writer.begin(about));
      let first = true;
      for (;;) {
        for (const row of rowsOf(plan, answer)) {
          await write(writer.row(localised.row(row), first));
          first = false;
        }
        // compressed answers: send what this page compressed to now rather than when zlib's buffer fills
        (res as Response & { flush?: () => void }).flush?.();
        const pageInfo = answer.pageInfo as { endCursor: string | null; hasNextPage: boolean } | undefined;
        if (!plan.paged || !pageInfo?.hasNextPage) break;
        if (contextOf && streamsList(plan.field) && pageInfo.endCursor) {
          // the rest of a list in one SQL cursor (the first page, run as GraphQL, did every check)
          await writeStreamedRows(await contextOf(req), schema, plan, variables, pageInfo.endCursor, writer, write);
          break;
        }
        result = await execute(req, plan.operation, { ...variables, after: pageInfo.endCursor });
        const later = failure(result);
        // the status is sent already: cut the body so the client sees an incomplete file, never a short one that parses
        if (later) throw later;
        answer = (result.data?.[plan.field] ?? {}) as Record<string, unknown>;
        chargeRows();
      }
      await write(writer.end());
      res.end();
    } catch (error) {
      if (res.headersSent) {
        console.error('export failed while streaming:', error);
        res.destroy();
        return;
      }
      sendError(res, error, languageOfRequest(req));
    }
  });
  return router;
}
