/**
 * Vector tiles: `GET /tiles/{layer}/{z}/{x}/{y}.mvt` and a TileJSON 3.0.0 document per layer at
 * `GET /tiles/{layer}.json` (its query string is carried into the tile URL template, so one
 * TileJSON URL fixes the parameters of a map layer). Tiles carry an ETag made of the layer, the
 * tile, the parameters, the caller's role and the data version; If-None-Match answers 304. An
 * empty tile answers 204. Features carry ids (the record id; the H3 index as a number for
 * cells) and enum values are spelled as in GraphQL (MODULAR_POST, OPEN, DISTRICT). `lang` (or
 * Accept-Language) chooses the language of error messages and of the TileJSON's attribution; no
 * tile, ETag or cache key depends on it.
 */
import { createHash } from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import { AnswerCache, cachedAnswer } from '../analysis/answerCache';
import { checkTileAddress, tileDataVersion } from '../analysis/tiles';
import { queryFieldRoles, roleAllowed } from '../auth/authChecker';
import type { Config } from '../config';
import type { RequestContext } from '../context';
import { DEFAULT_LANGUAGE, Language, translate } from '../i18n';
import { text } from '../i18n/texts';
import { httpError, languageOfRequest, sendError } from './errors';
import { canonicalParams, checkKnownParams, dataParams, queryParams } from './params';
import { TILE_LAYERS, TileLayer, tileLayer } from './tileLayers';

const TILE_PATH = /^\/([a-z_]+)\/(\d{1,2})\/(\d{1,8})\/(\d{1,8})\.mvt$/;
const TILEJSON_PATH = /^\/([a-z_]+)\.json$/;
/** Clients may reuse a tile for a minute, then revalidate it with its ETag. */
const CACHE_CONTROL = 'private, max-age=60, must-revalidate';

function findLayer(name: string, ctx: RequestContext): TileLayer {
  const layer = tileLayer(name);
  if (!layer) throw httpError('NOT_FOUND', text('http.noTileLayer', { name: name.slice(0, 40), layers: TILE_LAYERS.map((l) => l.name).join(', ') }));
  const refusedBy = [layer.roles, queryFieldRoles(layer.query)].some((roles) => roles !== null && !roleAllowed(ctx.user.role, roles));
  if (refusedBy) {
    throw ctx.user.role === 'public' ? httpError('UNAUTHENTICATED', text('http.tileLayerCredentials', { layer: name })) : httpError('FORBIDDEN', text('http.tileLayerForbidden', { role: ctx.user.role, layer: name }));
  }
  return layer;
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

/** TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0) of one layer. */
export function tileJson(layer: TileLayer, base: string, query: string, config: Config, lang: Language = DEFAULT_LANGUAGE): Record<string, unknown> {
  const [minLng, minLat, maxLng, maxLat] = config.cityBounds;
  return {
    tilejson: '3.0.0',
    name: layer.name,
    description: layer.description,
    version: '1.0.0',
    scheme: 'xyz',
    tiles: [`${base}/tiles/${layer.name}/{z}/{x}/{y}.mvt${query ? `?${query}` : ''}`],
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    bounds: [minLng, minLat, maxLng, maxLat],
    center: [(minLng + maxLng) / 2, (minLat + maxLat) / 2, 11],
    attribution: translate(lang, 'attribution.districts'),
    vector_layers: [{ id: layer.name, description: layer.description, minzoom: layer.minzoom, maxzoom: layer.maxzoom, fields: layer.fields }],
    parameters: layer.parameters,
  };
}

export function tilesRouter(config: Config, contextOf: (req: Request) => Promise<RequestContext>, answerCache: AnswerCache | null = null): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    res.json({ layers: TILE_LAYERS.map((l) => ({ name: l.name, description: l.description, tilejson: `${baseUrl(req)}/tiles/${l.name}.json` })) });
  });
  router.get(/.*/, async (req: Request, res: Response) => {
    try {
      const ctx = await contextOf(req);
      const params = dataParams(queryParams(req));
      const json = TILEJSON_PATH.exec(req.path);
      if (json) {
        const layer = findLayer(json[1], ctx);
        checkKnownParams(params, Object.keys(layer.parameters), `tile layer ${layer.name}`);
        res.json(tileJson(layer, baseUrl(req), new URL(req.originalUrl, 'http://local').searchParams.toString(), config, languageOfRequest(req)));
        return;
      }
      const match = TILE_PATH.exec(req.path);
      if (!match) throw httpError('NOT_FOUND', text('http.tilePaths'));
      const layer = findLayer(match[1], ctx);
      checkKnownParams(params, Object.keys(layer.parameters), `tile layer ${layer.name}`);
      const tile = { z: Number(match[2]), x: Number(match[3]), y: Number(match[4]) };
      checkTileAddress(tile);
      const version = await tileDataVersion(ctx);
      const etag = `"${createHash('sha1')
        .update([layer.name, `${tile.z}/${tile.x}/${tile.y}`, canonicalParams(params), ctx.user.role, ctx.user.agency ?? '', version].join('\n'))
        .digest('base64url')}"`;
      res.set({ ETag: etag, 'Cache-Control': CACHE_CONTROL, Vary: 'Authorization, X-Api-Key' });
      if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
        res.status(304).end();
        return;
      }
      // the shared response cache, keyed on the layers the tile's query reads (its ETag on every layer)
      const body = await cachedAnswer(answerCache, ctx, { kind: 'tile', fields: [layer.query], parts: [layer.name, tile.z, tile.x, tile.y, canonicalParams(params)] }, () => layer.render(ctx, tile, params));
      // an empty tile is 204 No Content, as Martin and pg_tileserv answer it
      if (body.length === 0) {
        res.status(204).end();
        return;
      }
      res.status(200).type('application/vnd.mapbox-vector-tile').send(body);
    } catch (error) {
      sendError(res, error, languageOfRequest(req));
    }
  });
  return router;
}
