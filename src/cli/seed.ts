/** Stores the demo city through the same batched upsert as every import. */
import type { Knex } from 'knex';
import { generateDemoCity } from '../../seeds/almaty';
import type { DemoCity } from '../../seeds/almaty';
import type { Config } from '../config';
import { Layer, LayerRecordMap } from '../domain';
import { upsertBatch, UpsertCounts } from '../db/upsert';
import { analyzeDatabase } from '../db/maintenance';
import { rebuildStreetNetwork } from '../db/streets';

export interface SeedOptions {
  incidentCount?: number;
  seed?: number;
  /** the incidents' window; the demo default when left out */
  start?: Date;
  end?: Date;
  log?: (line: string) => void;
}

/** Stores records of one layer in batches, each batch its own transaction. */
export async function storeRecords<L extends Layer>(knex: Knex, layer: L, records: LayerRecordMap[L][], config: Config): Promise<UpsertCounts> {
  const total: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  for (let start = 0; start < records.length; start += config.importBatchSize) {
    const batch = records.slice(start, start + config.importBatchSize);
    const counts = await knex.transaction((trx) => upsertBatch(trx, layer, batch, config.fineResolution));
    total.inserted += counts.inserted;
    total.updated += counts.updated;
    total.unchanged += counts.unchanged;
  }
  return total;
}

/**
 * The city's layers around its incidents, in the order they must be stored: districts before the
 * precincts that name them as parents, areas before everything that is assigned to them.
 */
export function contextLayers(city: DemoCity): [Layer, LayerRecordMap[Layer][]][] {
  return [
    ['areas', city.areas.filter((a) => a.kind === 'district')],
    ['areas', city.areas.filter((a) => a.kind === 'precinct')],
    ['posts', city.posts],
    ['population', city.population],
    ['youth_facilities', city.youthFacilities],
    ['lighting_outages', city.lightingOutages],
    ['road_defects', city.roadDefects],
  ];
}

export async function seedDemoCity(knex: Knex, config: Config, options: SeedOptions = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const city = generateDemoCity({ seed: options.seed, incidentCount: options.incidentCount, start: options.start, end: options.end });
  log(`generated the demo city in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const layers: [Layer, LayerRecordMap[Layer][]][] = [...contextLayers(city), ['incidents', city.incidents], ['streets', city.streets]];
  for (const [layer, records] of layers) {
    const counts = await storeRecords(knex, layer, records, config);
    log(`${layer}: inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}`);
  }
  const network = await knex.transaction((trx) => rebuildStreetNetwork(trx));
  log(`street network: ${network.edges} edges, ${network.vertices} vertices, ${(network.lengthM / 1000).toFixed(0)} km`);
  await analyzeDatabase(knex);
  log(`demo city stored in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
