/**
 * Cross-origin reads of tiles and exports, so MapLibre pages, Kepler.gl and other web GIS
 * clients on other origins can load them. Credentials travel in the Authorization header (never
 * cookies), so any origin may read what the presented credentials allow.
 */
import type { NextFunction, Request, Response } from 'express';

export function corsForReads(req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, If-None-Match',
    'Access-Control-Expose-Headers': 'ETag, Content-Disposition',
    'Access-Control-Max-Age': '600',
  });
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next();
}
