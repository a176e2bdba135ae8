/**
 * What a mapping profile costs an import: the bench's incidents written as a register is
 * published (Russian column names, `;` separators, decimal commas, local dates `dd.MM.yyyy
 * HH:mm:ss`, categories in Russian words), imported through the real CLI with a profile that maps
 * every column, the dates and the vocabulary back, into a fresh database holding the same city
 * layers as the plain import's. Its rate is compared with the plain import's (target: at most 20 %
 * slower, issue 16).
 */
import { createWriteStream, promises as fs } from 'node:fs';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { DemoCity } from '../seeds/almaty';
import { iterateIncidents } from '../seeds/almaty';
import type { Config } from '../src/config';
import { connect, dropDatabase } from '../src/db/connection';
import { storeCityLayers } from './city';

/** The register's word for each category, as a clerk writes it. */
export const RUSSIAN_CATEGORIES: Record<string, string> = {
  theft: 'Кража',
  burglary: 'Кража со взломом',
  robbery: 'Грабёж',
  assault: 'Причинение вреда здоровью',
  hooliganism: 'Хулиганство',
  fraud: 'Мошенничество',
  road_collision: 'ДТП',
  drugs: 'Наркотики',
  weapons: 'Незаконное ношение оружия',
  vandalism: 'Порча имущества',
  domestic_conflict: 'Бытовой конфликт',
  sexual_offence: 'Половое преступление',
  drunkenness: 'Появление в нетрезвом виде',
  anti_social_behaviour: 'Антиобщественное поведение',
  public_order: 'Нарушение общественного порядка',
  vehicle_crime: 'Угон',
  other: 'Прочее',
};

/** The profile that reads the register back into the incidents layer. */
export const REGISTER_PROFILE = {
  layer: 'incidents',
  delimiter: ';',
  encoding: 'utf-8',
  decimalComma: true,
  timeZone: 'Asia/Almaty',
  fields: {
    external_id: 'Номер',
    source: 'Канал',
    occurred_at: { column: 'Дата и время', format: 'dd.MM.yyyy HH:mm:ss' },
    category: { column: 'Вид происшествия', values: Object.fromEntries(Object.entries(RUSSIAN_CATEGORIES).map(([value, word]) => [word, value])) },
    outdoor: 'На улице',
    description: 'Описание',
    time_precision: 'Точность',
  },
  coordinates: { lat: 'Широта', lng: 'Долгота' },
};

const pad = (n: number) => String(n).padStart(2, '0');

/** A UTC instant as Almaty's local time (UTC+5 all year since March 2024), `dd.MM.yyyy HH:mm:ss`. */
function almatyLocal(at: Date): string {
  const d = new Date(at.getTime() + 5 * 3_600_000);
  return `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function field(value: string): string {
  return /[";\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The same `count` incidents as writeIncidentsCsv, in the register's layout. */
export async function writeRegisterCsv(city: DemoCity, count: number, file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('Номер;Канал;Дата и время;Вид происшествия;Широта;Долгота;На улице;Описание;Точность\n');
  let chunk: string[] = [];
  for (const r of iterateIncidents(city, count)) {
    const [lng, lat] = r.geometry.coordinates;
    chunk.push(
      [
        field(r.externalId),
        field(r.source),
        almatyLocal(r.occurredAt),
        RUSSIAN_CATEGORIES[r.category],
        String(lat).replace('.', ','),
        String(lng).replace('.', ','),
        r.outdoor === null ? '' : String(r.outdoor),
        r.description === null ? '' : field(r.description),
        r.timePrecision ?? 'exact',
      ].join(';'),
    );
    if (chunk.length >= 10_000) {
      if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(chunk.join('\n') + '\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export interface ProfileImportResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  summary: string;
  /** the plain import's rate, and how much slower the profile's is (a fraction; negative when faster) */
  plainRowsPerSecond: number;
  cost: number;
  target: { maxCost: number };
  met: boolean;
}

type Run = (command: string, args: string[], env: NodeJS.ProcessEnv) => Promise<{ code: number; stdout: string; stderr: string }>;

/** The register imported with REGISTER_PROFILE into a fresh database `<name>_profile` (dropped after). */
export async function timeProfileImport(args: {
  run: Run;
  cli: string;
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  config: Config;
  city: DemoCity;
  incidents: number;
  workDir: string;
  plainRowsPerSecond: number;
}): Promise<ProfileImportResult> {
  const url = new URL(args.databaseUrl);
  url.pathname = `${url.pathname}_profile`;
  const env = { ...args.env, DATABASE_URL: url.toString() };
  await dropDatabase(url.toString());
  const migrated = await args.run(process.execPath, [args.cli, 'migrate'], env);
  if (migrated.code !== 0) throw new Error(`migrate failed (${migrated.code}): ${migrated.stderr}`);
  const db = connect(url.toString());
  const csv = `${args.workDir}/register-${args.incidents}.csv`;
  const profile = `${args.workDir}/register.profile.json`;
  try {
    await storeCityLayers(db.knex, args.config, args.city);
    await writeRegisterCsv(args.city, args.incidents, csv);
    await fs.writeFile(profile, JSON.stringify(REGISTER_PROFILE, null, 2));
    const started = performance.now();
    const imported = await args.run(process.execPath, [args.cli, 'import', 'incidents', csv, '--profile', profile, '--rejects', `${csv}.rejects.csv`], env);
    const seconds = (performance.now() - started) / 1000;
    if (imported.code !== 0) throw new Error(`import with a profile failed (${imported.code}): ${imported.stderr}`);
    const rowsPerSecond = Math.round(args.incidents / seconds);
    const cost = 1 - rowsPerSecond / args.plainRowsPerSecond;
    return {
      rows: args.incidents,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond,
      summary: imported.stdout.trim().split('\n')[0],
      plainRowsPerSecond: Math.round(args.plainRowsPerSecond),
      cost: Math.round(cost * 1000) / 1000,
      target: { maxCost: 0.2 },
      met: cost <= 0.2,
    };
  } finally {
    await db.knex.destroy();
    await dropDatabase(url.toString());
    await fs.rm(csv, { force: true });
    await fs.rm(`${csv}.rejects.csv`, { force: true });
    await fs.rm(profile, { force: true });
  }
}
