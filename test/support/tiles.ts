/** Decoding vector tiles in tests, with tile arithmetic written out independently of src/geo/tiles. */
import { VectorTile, VectorTileFeature } from '@mapbox/vector-tile';
import Protobuf from 'pbf';

export function tileOf(lng: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const latRad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

export function decode(buffer: ArrayBuffer): VectorTile {
  return new VectorTile(new Protobuf(new Uint8Array(buffer)));
}

export function featuresOf(tile: VectorTile, layer: string): VectorTileFeature[] {
  const l = tile.layers[layer];
  if (!l) return [];
  return Array.from({ length: l.length }, (_, i) => l.feature(i));
}

/** VectorTileFeature.type: 1 point, 2 line, 3 polygon. */
export const MVT_POINT = 1;
export const MVT_LINE = 2;
export const MVT_POLYGON = 3;
