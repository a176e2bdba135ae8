/**
 * The API in Russian and Kazakh: labels beside enums and bins, area names, error messages by the
 * caller's language with unchanged codes; the public view's month; CSV exports for Excel with a
 * byte-order mark, Russian headers and city time; the GraphQL IDE served from our own assets.
 */
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TestServer, truncateLayers } from '../support/server';

let t: TestServer;
let origin: string;

beforeAll(async () => {
  t = await startTestServer();
  origin = t.server.url.replace('/graphql', '');
  await truncateLayers(t.server);
  await seedDemoCity(t.server.db.knex, t.config, { incidentCount: 2000 });
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const CYRILLIC = /[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]/;

describe('labels and messages in the caller language', () => {
  const query = `query ($month: TimeWindowInput) {
    areas(filter: { kind: DISTRICT }, first: 20) { nodes { name nameRu nameKk kind kindLabel } }
    vocabulary { enum values { value label } }
    hotspots(area: { bbox: [76.85, 43.2, 77.0, 43.3] }, resolution: 8, window: $month) { cells { binFdr binFdrLabel } warnings { code message } }
    lastMonthWithData { month label from to }
  }`;

  async function ask(language: string) {
    const month = await t.gql<{ lastMonthWithData: { from: string; to: string } }>('{ lastMonthWithData { from to } }');
    const window = { from: month.data!.lastMonthWithData.from, to: month.data!.lastMonthWithData.to };
    return t.gql<{
      areas: { nodes: { name: string; nameRu: string | null; nameKk: string | null; kind: string; kindLabel: string }[] };
      vocabulary: { enum: string; values: { value: string; label: string }[] }[];
      hotspots: { cells: { binFdr: number; binFdrLabel: string }[] };
      lastMonthWithData: { month: string; label: string };
    }>(query, { month: window }, { 'accept-language': language });
  }

  it('answers Russian with Accept-Language: ru and Kazakh with kk, machine values unchanged', async () => {
    const [en, ru, kk] = await Promise.all([ask('en-GB,en;q=0.9'), ask('ru-RU,ru;q=0.9,en;q=0.5'), ask('kk')]);
    for (const answer of [en, ru, kk]) expect(answer.errors).toBeUndefined();
    const label = (a: typeof ru, e: string, v: string) => a.data!.vocabulary.find((x) => x.enum === e)!.values.find((x) => x.value === v)!.label;
    expect(label(ru, 'IncidentCategory', 'THEFT')).toBe('Кража');
    expect(label(kk, 'IncidentCategory', 'THEFT')).toBe('Ұрлық');
    expect(label(en, 'IncidentCategory', 'THEFT')).toBe('Theft');
    expect(label(ru, 'PostKind', 'MODULAR_POST')).toBe('Модульный пост');
    expect(label(kk, 'PostKind', 'PRECINCT_OFFICE')).toBe('Учаскелік полиция пункті');
    // every enum value has a label, and none is its machine name
    for (const e of ru.data!.vocabulary) for (const v of e.values) expect(v.label).not.toBe(v.value);

    const district = ru.data!.areas.nodes[0];
    expect(district.kind).toBe('DISTRICT');
    expect(district.kindLabel).toBe('Район');
    expect(kk.data!.areas.nodes[0].kindLabel).toBe('Аудан');
    expect(district.name).toBe(district.nameRu);
    expect(kk.data!.areas.nodes[0].name).toBe(kk.data!.areas.nodes[0].nameKk);
    expect(en.data!.areas.nodes[0].name).not.toMatch(CYRILLIC);

    const cell = ru.data!.hotspots.cells.find((c) => c.binFdr === 0)!;
    expect(cell.binFdrLabel).toBe('Незначимо');
    expect(en.data!.hotspots.cells.find((c) => c.binFdr === 0)!.binFdrLabel).toBe('Not significant');
    expect(ru.data!.lastMonthWithData.label).toMatch(CYRILLIC);
    expect(ru.data!.lastMonthWithData.month).toBe(en.data!.lastMonthWithData.month);
  });

  it('a lang argument overrides the header', async () => {
    const answer = await t.gql<{ areas: { nodes: { kindLabel: string }[] } }>('{ areas(first: 1) { nodes { kindLabel(lang: KK) } } }', {}, { 'accept-language': 'ru' });
    expect(answer.data!.areas.nodes[0].kindLabel).toBe('Аудан');
  });

  it('localises error messages and keeps their codes', async () => {
    const bad = '{ hotspots(area: { bbox: [76.9, 43.2] }) { hotCellCount } }';
    const [en, ru, kk] = await Promise.all(['en', 'ru', 'kk'].map((l) => t.gql(bad, {}, { 'accept-language': l })));
    for (const answer of [en, ru, kk]) expect(answer.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(en.errors![0].message).not.toMatch(CYRILLIC);
    expect(ru.errors![0].message).toMatch(/^Недопустимое значение/);
    expect(kk.errors![0].message).toMatch(/мәні жарамсыз/);
    expect(ru.errors![0].extensions!.argumentPath).toBe(en.errors![0].extensions!.argumentPath);
    const unknown = await t.gql('{ noSuchField }', {}, { 'accept-language': 'ru' });
    expect(unknown.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(unknown.errors![0].message).toMatch(/^Запрос не соответствует схеме/);
  });
});

describe('exports for people', () => {
  it('gives a CSV with a byte-order mark, Russian headers, label columns and city time with ?lang=ru&excel=1', async () => {
    const response = await fetch(`${origin}/export/roadDefects.csv?lang=ru&excel=1`);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, first] = bytes.toString('utf8').slice(1).split('\r\n');
    expect(header).toContain('Вид (код)');
    expect(header).toContain('Дата сообщения');
    expect(header).toContain('Геометрия (WKT)');
    expect(header).not.toMatch(/reportedAt/);
    // the city time with its offset (Almaty: +06:00 before March 2024, +05:00 since)
    expect(first).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[56]:00/);
    expect(first).toMatch(CYRILLIC);
  });

  it('keeps machine names, UTC and no mark by default', async () => {
    const text = await (await fetch(`${origin}/export/roadDefects.csv`)).text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const header = text.split('\r\n')[0];
    expect(header).toContain('reportedAt');
    expect(header).not.toContain('kindLabel');
  });
});

describe('GraphQL IDE', () => {
  it('serves GraphiQL from the server itself to a browser', async () => {
    const page = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html', 'accept-language': 'ru' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/vendor/graphiql/graphiql.min.js');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ['/vendor/graphiql/graphiql.min.js', '/vendor/graphiql/graphiql.min.css', '/vendor/react/react.production.min.js', '/vendor/react-dom/react-dom.production.min.js', '/graphiql.js']) {
      expect((await fetch(origin + asset)).status).toBe(200);
    }
  });
});
