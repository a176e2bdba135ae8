/**
 * OGC API - Features - Part 1: Core with GeoJSON under `/ogc` (documents: src/analysis/ogc.ts).
 * QGIS (*WFS / OGC API - Features*), ArcGIS Pro (*OGC API Server*) and GDAL (`OAPIF:`) read the
 * stored layers and the cell analyses live. Each items request runs the very GraphQL operation
 * of the query's export (src/http/exports.ts#planExport) through the server's executor with
 * the request's context: the same roles (a collection the caller may not read is neither listed
 * nor served), release gate, limits and compute budget as GraphQL.
 */
import express, { Request, Response, Router } from 'express';
import type { GraphQLSchema } from 'graphql';
import { featureOf } from '../analysis/exports';
import {
  apiDefinition,
  bboxInCrs84,
  bboxOf,
  cachedCells,
  collectionDocument,
  collectionsDocument,
  datetimeWindow,
  featureInCrs,
  GEOJSON,
  itemsDocument,
  landingPage,
  limitOf,
  OGC_COLLECTIONS,
  OGC_CONFORMANCE,
  ogcCollection,
  OgcCollection,
  ogcCrsOf,
  offsetOf,
  OPENAPI_TYPE,
} from '../analysis/ogc';
import { encodeCursor } from '../analysis/inputs';
import { queryFieldRoles, roleAllowed } from '../auth/authChecker';
import { budgetOfRequest, UNITS } from '../compute/budget';
import type { Config } from '../config';
import type { RequestContext } from '../context';
import type { Role } from '../domain';
import { text } from '../i18n/texts';
import { failure, httpError, languageOfRequest, sendError } from './errors';
import { Execute, ExportPlan, planExport, rowsOf } from './exports';
import { dataParams, QueryParams, queryParams } from './params';

const ITEMS_PATH = /^\/collections\/([A-Za-z]+)\/items(?:\/([^/]+))?$/;
const COLLECTION_PATH = /^\/collections\/([A-Za-z]+)$/;
/** Parameters of the standard, translated before the rest go to the query as its arguments. */
const OGC_PARAMS = new Set(['limit', 'next', 'bbox', 'datetime', 'f', 'crs', 'bbox-crs']);

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

function mayRead(role: Role, c: OgcCollection): boolean {
  const roles = queryFieldRoles(c.id);
  return roles === null || roleAllowed(role, roles);
}

function readable(role: Role, id: string): OgcCollection {
  const c = ogcCollection(id);
  if (!c) throw httpError('NOT_FOUND', text('http.noCollection', { id: id.slice(0, 40) }));
  // a collection the caller may not read is answered as one that does not exist: its name tells nothing
  if (!mayRead(role, c)) throw role === 'public' ? httpError('UNAUTHENTICATED', text('http.collectionCredentials', { id: c.id })) : httpError('FORBIDDEN', text('http.collectionForbidden', { role, id: c.id }));
  return c;
}

/** The query's arguments: the standard's bbox and datetime translated, its other parameters as they are. */
function queryArguments(c: OgcCollection, params: QueryParams): QueryParams {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (!OGC_PARAMS.has(key)) out[key] = value;
  if (params.bbox !== undefined) out.bbox = bboxInCrs84(bboxOf(params.bbox), ogcCrsOf(params['bbox-crs'], 'bbox-crs'));
  if (params.datetime !== undefined && c.temporal) Object.assign(out, datetimeWindow(params.datetime));
  return out;
}

function withParams(url: string, params: QueryParams, change: Record<string, string | undefined>): string {
  const u = new URL(url);
  for (const [key, value] of Object.entries({ ...params, ...change })) if (value !== undefined) u.searchParams.set(key, value);
  return u.toString();
}

export function ogcRouter(config: Config, schema: GraphQLSchema, execute: Execute, roleOf: (req: Request) => Promise<Role>, contextOf: (req: Request) => Promise<RequestContext>): Router {
  const router = express.Router();
  const json = (res: Response, type: string, body: unknown) => res.status(200).type(type).send(JSON.stringify(body));

  async function run(req: Request, plan: ExportPlan, variables: Record<string, unknown>) {
    const result = await execute(req, plan.operation, variables);
    const problem = failure(result);
    if (problem) throw problem;
    return (result.data?.[plan.field] ?? {}) as Record<string, unknown>;
  }

  router.get(/.*/, async (req: Request, res: Response) => {
    try {
      const base = baseUrl(req);
      const role = await roleOf(req);
      const path = req.path.replace(/\/+$/, '') || '/';
      if (path === '/') return void json(res, 'application/json', landingPage(base));
      if (path === '/conformance') return void json(res, 'application/json', { conformsTo: OGC_CONFORMANCE });
      if (path === '/api') return void json(res, OPENAPI_TYPE, apiDefinition(base));
      if (path === '/collections') {
        return void json(
          res,
          'application/json',
          collectionsDocument(
            OGC_COLLECTIONS.filter((c) => mayRead(role, c)),
            base,
            config.cityBounds,
          ),
        );
      }
      const one = COLLECTION_PATH.exec(path);
      if (one) return void json(res, 'application/json', collectionDocument(readable(role, one[1]), base, config.cityBounds));
      const items = ITEMS_PATH.exec(path);
      if (!items) throw httpError('NOT_FOUND', text('http.ogcPaths'));
      const c = readable(role, items[1]);
      // `lang` is the language of the messages, kept in the next links but no argument of the query
      const asked = queryParams(req);
      const params = dataParams(asked);
      // Part 2: the answer's CRS (CRS84 unless asked), said in the Content-Crs header
      const crs = ogcCrsOf(params.crs, 'crs');
      const features = (rows: Record<string, unknown>[]) => rows.map((r) => featureInCrs(featureOf(plan, r), crs));
      res.set('Content-Crs', `<${crs.uri}>`);
      const plan = planExport(schema, c.id, queryArguments(c, params), { cityBounds: config.cityBounds, points: c.points });
      const collectionUrl = `${base}/ogc/collections/${c.id}`;
      const cells = async () => cachedCells(await contextOf(req), c.id, JSON.stringify(plan.variables), async () => rowsOf(plan, await run(req, plan, plan.variables)));
      const charge = (n: number) => budgetOfRequest(req)?.chargeNow(n * UNITS.exportRow, `OGC items of ${c.id}: ${n} rows x ${UNITS.exportRow}`);

      if (items[2] !== undefined) {
        const featureId = decodeURIComponent(items[2]);
        const missing = () => httpError('NOT_FOUND', text('http.noFeature', { id: featureId.slice(0, 40), collection: c.id }));
        let row: Record<string, unknown> | undefined;
        if (plan.paged) {
          // one record of a list: the one-row page that starts at its id (the page after id - 1), through the
          // same GraphQL operation and parameters, so the same rules, filters and audit apply to it
          if (!/^\d{1,18}$/.test(featureId)) throw missing();
          const previous = BigInt(featureId) - 1n;
          const answer = await run(req, plan, { ...plan.variables, first: 1, after: previous >= 1n ? encodeCursor(String(previous)) : null });
          row = rowsOf(plan, answer).find((r) => plan.idField !== null && String(r[plan.idField]) === featureId);
        } else {
          // a cell of an analysis: the analysis of the request's parameters (computed once, cached by the analysis)
          row = (await cells()).find((r) => plan.idField !== null && String(r[plan.idField]) === featureId);
        }
        if (!row) throw missing();
        charge(1);
        const feature = {
          ...featureInCrs(featureOf(plan, row), crs),
          links: [
            { href: `${collectionUrl}/items/${encodeURIComponent(featureId)}`, rel: 'self', type: GEOJSON },
            { href: collectionUrl, rel: 'collection', type: 'application/json' },
          ],
        };
        return void json(res, GEOJSON, feature);
      }

      const limit = limitOf(params.limit, plan.paged ? config.maxPageSize : Number.MAX_SAFE_INTEGER);
      const selfUrl = `${base}${req.originalUrl}`;
      if (plan.paged) {
        const answer = await run(req, plan, { ...plan.variables, first: limit, after: params.next ?? null });
        const rows = rowsOf(plan, answer);
        charge(rows.length);
        const pageInfo = answer.pageInfo as { endCursor: string | null; hasNextPage: boolean };
        const nextUrl = pageInfo.hasNextPage && pageInfo.endCursor ? withParams(`${base}/ogc/collections/${c.id}/items`, asked, { limit: String(limit), next: pageInfo.endCursor }) : null;
        const numberMatched = typeof answer.totalCount === 'number' ? answer.totalCount : null;
        return void json(res, GEOJSON, itemsDocument({ features: features(rows), numberMatched, selfUrl, nextUrl, collectionUrl }));
      }
      // cells of an analysis: computed once per parameters, user and data version, served by offset
      const offset = offsetOf(params.next);
      const all = await cells();
      const page = all.slice(offset, offset + limit);
      charge(page.length);
      const nextUrl = offset + limit < all.length ? withParams(`${base}/ogc/collections/${c.id}/items`, asked, { limit: String(limit), next: String(offset + limit) }) : null;
      json(res, GEOJSON, itemsDocument({ features: features(page), numberMatched: all.length, selfUrl, nextUrl, collectionUrl }));
    } catch (error) {
      sendError(res, error, languageOfRequest(req));
    }
  });
  return router;
}
