/**
 * The study area of an analysis: every H3 cell whose centre lies in the area, at one resolution,
 * zero-count cells included (h3-js polygonToCells uses exactly the centre-containment rule).
 */
import { area as geodesicArea } from '@turf/turf';
import { getHexagonAreaAvg, polygonCells } from './h3';
import type { BBox, MultiPolygonGeometry, PolygonGeometry } from '../domain';

export const MAX_STUDY_CELLS = 200_000;

export function bboxToPolygon([minLng, minLat, maxLng, maxLat]: BBox): PolygonGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minLng, minLat],
        [maxLng, minLat],
        [maxLng, maxLat],
        [minLng, maxLat],
        [minLng, minLat],
      ],
    ],
  };
}

/** Expected number of cells, from the geodesic area and the mean cell area: cheap, before any cell is made. */
export function estimatedCellCount(geometry: PolygonGeometry | MultiPolygonGeometry, resolution: number): number {
  return geodesicArea(geometry) / getHexagonAreaAvg(resolution, 'm2');
}

export function studyAreaCells(geometry: PolygonGeometry | MultiPolygonGeometry, resolution: number): string[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const cells = new Set<string>();
  for (const polygon of polygons) {
    for (const cell of polygonCells(polygon, resolution)) cells.add(cell);
  }
  return [...cells].sort();
}
