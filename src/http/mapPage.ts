/**
 * The map page at `/`: static HTML and one script from `public/`, MapLibre GL and i18next served
 * from the installed packages (no CDN). The base map is the project's own streets and districts
 * as vector tiles, or BASEMAP_STYLE_URL when set. The page's words are the catalogues of
 * `locales/`, served at `/i18n/{lang}.json`, the same the API answers with. The page uses only
 * the public HTTP API: TileJSON, tiles and GraphQL.
 */
import path from 'node:path';
import express, { Router } from 'express';
import type { Config } from '../config';
import { catalogue, isLanguage, LANGUAGES, packageRoot } from '../i18n';

export function mapPageRouter(config: Pick<Config, 'basemapStyleUrl'>): Router {
  const root = packageRoot();
  const router = express.Router();
  router.use('/vendor/maplibre-gl', express.static(path.dirname(require.resolve('maplibre-gl/dist/maplibre-gl.js')), { maxAge: '1d' }));
  router.use('/vendor/i18next', express.static(path.join(path.dirname(require.resolve('i18next')), '..', 'umd'), { maxAge: '1d' }));
  router.get('/i18n/:file', (req, res, next) => {
    const lang = req.params.file.replace(/\.json$/, '');
    if (!isLanguage(lang)) return next();
    res.set('Cache-Control', 'no-cache').json(catalogue(lang));
  });
  router.get('/map-config.json', (_req, res) => {
    res.json({ languages: LANGUAGES, basemapStyleUrl: config.basemapStyleUrl });
  });
  router.use('/', express.static(path.join(root, 'public'), { index: 'index.html', maxAge: 0 }));
  return router;
}
