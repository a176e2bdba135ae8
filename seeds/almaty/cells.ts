/**
 * The populated H3 cells as flat typed arrays, with uniform sampling of a point inside a cell
 * that is guaranteed to lie inside the cell's district (never in a sliver between districts).
 */
import type { Position } from '../../src/domain';
import type { District } from './districts';
import { cellCentre, cellCorners } from './districts';
import type { BBox } from './geometry';
import type { Random } from './random';

export class CellTable {
  readonly size: number;
  readonly h3: string[];
  readonly lng: Float64Array;
  readonly lat: Float64Array;
  readonly district: Int16Array;
  /** six corners per cell, [lng0, lat0, lng1, lat1, ...] */
  readonly corners: Float64Array;
  /** 1 when no district edge comes near the cell: every point of it is inside its district */
  readonly interior: Uint8Array;
  private readonly index = new Map<string, number>();

  constructor(
    cells: string[],
    districtOf: ArrayLike<number>,
    private readonly districts: District[],
  ) {
    const n = cells.length;
    this.size = n;
    this.h3 = cells.slice();
    this.lng = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.district = new Int16Array(n);
    this.corners = new Float64Array(n * 12);
    this.interior = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = cellCentre(cells[i]);
      this.lng[i] = c[0];
      this.lat[i] = c[1];
      this.district[i] = districtOf[i];
      this.index.set(cells[i], i);
      const corners = cellCorners(cells[i]);
      const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
      for (let k = 0; k < 6; k++) {
        const q = corners[k % corners.length];
        this.corners[i * 12 + 2 * k] = q[0];
        this.corners[i * 12 + 2 * k + 1] = q[1];
        bbox[0] = Math.min(bbox[0], q[0]);
        bbox[1] = Math.min(bbox[1], q[1]);
        bbox[2] = Math.max(bbox[2], q[0]);
        bbox[3] = Math.max(bbox[3], q[1]);
      }
      const area = districts[districtOf[i]].area;
      this.interior[i] = area.contains(c[0], c[1]) && !area.edgesTouchBBox(bbox) ? 1 : 0;
    }
  }

  indexOf(h3: string): number | undefined {
    return this.index.get(h3);
  }

  centre(i: number): Position {
    return [this.lng[i], this.lat[i]];
  }

  /**
   * A uniform random point of cell i (one of its six triangles, then uniform in the triangle),
   * rounded to 7 decimals and inside the cell's district. Falls back to the centre, which
   * the population step checked to be inside.
   */
  samplePoint(i: number, rng: Random): Position {
    const cx = this.lng[i];
    const cy = this.lat[i];
    const base = i * 12;
    const area = this.districts[this.district[i]].area;
    for (let attempt = 0; attempt < 32; attempt++) {
      const k = rng.int(6);
      const k2 = (k + 1) % 6;
      let r1 = rng.next();
      let r2 = rng.next();
      if (r1 + r2 > 1) {
        r1 = 1 - r1;
        r2 = 1 - r2;
      }
      const x = cx + r1 * (this.corners[base + 2 * k] - cx) + r2 * (this.corners[base + 2 * k2] - cx);
      const y = cy + r1 * (this.corners[base + 2 * k + 1] - cy) + r2 * (this.corners[base + 2 * k2 + 1] - cy);
      const p: Position = [round7(x), round7(y)];
      if (this.interior[i] || area.contains(p[0], p[1])) return p;
    }
    return [round7(cx), round7(cy)];
  }

  /** Is the position inside the district of cell i? */
  inDistrictOf(i: number, p: Position): boolean {
    return this.districts[this.district[i]].area.contains(p[0], p[1]);
  }
}

export function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}
