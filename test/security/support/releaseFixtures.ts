/** A few incidents planted in known resolution-8 cells, and the roles the attacks act as. */
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { upsertBatch } from '../../../src/db/upsert';
import type { IncidentCategory, IncidentRecord, RequestUser } from '../../../src/domain';
import type { TestServer } from '../../support/server';

export const PUBLIC: RequestUser = { id: 'anonymous', role: 'public', agency: null };
export const WORKING_GROUP: RequestUser = { id: 'wg-attacker', role: 'working_group', agency: null };
export const LIGHTING_AGENCY: RequestUser = { id: 'lighting-attacker', role: 'agency', agency: 'lighting' };
export const ANALYST: RequestUser = { id: 'analyst-attacker', role: 'analyst', agency: null };
export const ADMIN: RequestUser = { id: 'admin', role: 'admin', agency: null };

/** Resolution-8 cells around a point of Almaty, in a fixed order. */
export const CELLS = gridDisk(latLngToCell(43.24, 76.92, 8), 2).sort();

export const MARCH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
/** 12:00 in Almaty: day */
export const MARCH_NOON = '2026-03-10T07:00:00Z';
/** 01:00 in Almaty: night */
export const MARCH_NIGHT = '2026-03-10T20:00:00Z';

let serial = 0;

/** One incident near the centre of `cell` (a few metres apart, so each lies in the same fine cells' neighbourhood). */
export function incidentAt(cell: string, category: IncidentCategory, when: string, source = 'security_test'): IncidentRecord {
  const [lat, lng] = cellToLatLng(cell);
  serial++;
  return {
    source,
    externalId: `s${serial}`,
    occurredAt: new Date(when),
    category,
    outdoor: true,
    geometry: { type: 'Point', coordinates: [lng + (serial % 7) * 1e-5, lat + (serial % 5) * 1e-5] },
    description: null,
  };
}

export function repeat<T>(n: number, make: () => T): T[] {
  return Array.from({ length: n }, make);
}

export async function plant(t: TestServer, records: IncidentRecord[]): Promise<void> {
  await upsertBatch(t.server.db.knex, 'incidents', records, t.config.fineResolution);
}

export const errorOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions ?? null;
