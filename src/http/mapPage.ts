/**
 * The map page at `/`: static HTML and one script from `public/`, MapLibre GL served from the
 * installed package (no CDN, no external base map: districts and hexagons are the map). The page
 * uses only the public HTTP API: TileJSON, tiles and GraphQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/** The package root, whether running from src (tests) or from dist (built). */
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export function mapPageRouter(): Router {
  const root = packageRoot();
  const router = express.Router();
  router.use('/vendor/maplibre-gl', express.static(path.dirname(require.resolve('maplibre-gl/dist/maplibre-gl.js')), { maxAge: '1d' }));
  router.use('/', express.static(path.join(root, 'public'), { index: 'index.html', maxAge: 0 }));
  return router;
}
