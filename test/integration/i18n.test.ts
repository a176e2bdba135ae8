/**
 * The API in Russian and Kazakh: labels beside enums and bins, area names, error messages by the
 * caller's language with unchanged codes; the public view's month; CSV exports for Excel with a
 * byte-order mark, Russian headers and city time; the errors of exports, tiles and OGC API in the
 * caller's language; the GraphQL IDE served from our own assets.
 */
import { seedDemoCity } from '../../src/cli/seed';
import { startTestServer, TEST_ANALYST, TestServer, testUserHeaders, truncateLayers } from '../support/server';

let t: TestServer;
let origin: string;

beforeAll(async () => {
  // test users by header where a test names one; anonymous (the public) otherwise
  t = await startTestServer({}, { testUsers: true });
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

describe('explanatory texts and input errors in the caller language', () => {
  /** Three lower-case English words in a row: an English sentence left in a Russian or Kazakh answer. */
  const ENGLISH_SENTENCE = /\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b/;
  const KAZAKH = /[ӘәҒғҚқҢңӨөҰұҮүҺһІі]/;
  /** Words left as they are written: field and function names, placeholders of formulas, authors and years. */
  const words = (s: string) => s.replace(/[A-Za-z_]*[A-Z_][A-Za-z_]*|`[^`]*`|\([^)]*\d{4}\)|docs\/\S+|log\(|exp\(|sqrt\(/g, ' ');
  const query = `query ($month: TimeWindowInput) {
    hotspots(area: { bbox: [76.85, 43.2, 77.0, 43.3] }, resolution: 8, window: $month) { method studyArea { description } privacy { rules } }
  }`;
  const riskQuery = `query ($year: TimeWindowInput) { riskFactors(area: { city: true }, window: $year) { method caveat privacy { rules } factors { parameter note } } }`;
  type Answer = {
    hotspots: { method: string; studyArea: { description: string }; privacy: { rules: string } };
    riskFactors: { method: string; caveat: string; privacy: { rules: string }; factors: { parameter: string; note: string | null }[] };
  };

  /** The public's hotspots of the last month with data, and an analyst's risk factors of the year before it. */
  async function ask(language: string) {
    const month = (await t.gql<{ lastMonthWithData: { from: string; to: string } }>('{ lastMonthWithData { from to } }')).data!.lastMonthWithData;
    const year = { from: new Date(Date.parse(month.to) - 365 * 86_400_000).toISOString(), to: month.to };
    const [public_, analyst] = await Promise.all([
      t.gql<Pick<Answer, 'hotspots'>>(query, { month: { from: month.from, to: month.to } }, { 'accept-language': language }),
      t.gql<Pick<Answer, 'riskFactors'>>(riskQuery, { year }, { ...testUserHeaders(TEST_ANALYST), 'accept-language': language }),
    ]);
    return { errors: public_.errors ?? analyst.errors, data: { ...public_.data!, ...analyst.data! } as Answer };
  }

  it('gives method, caveat, privacy rules and study area in Russian and Kazakh, and English unchanged', async () => {
    // English first: the fitted model is cached, and the Russian and Kazakh answers are rendered from it
    const en = await ask('en');
    const [ru, kk] = await Promise.all([ask('ru-RU'), ask('kk-KZ')]);
    for (const answer of [en, ru, kk]) expect(answer.errors).toBeUndefined();
    expect(en.data!.hotspots.method).toBe('Getis-Ord Gi* (Ord and Getis 1995), binary weights over gridDisk(k=1) including the cell itself, two-sided normal p, Benjamini-Hochberg FDR at each confidence level');
    expect(en.data!.hotspots.studyArea.description).toBe('bbox 76.85,43.2,77,43.3');
    expect(en.data!.hotspots.privacy.rules).toMatch(/^below the analyst role: counts from 1 to \d+ are null/);
    expect(en.data!.riskFactors.caveat).toMatch(/^These are associations between environmental factors/);
    expect(en.data!.riskFactors.factors.map((f) => f.parameter)).toContain('1 when an open defect of this kind lies in the cell');
    for (const [answer, script] of [
      [ru, /[А-Яа-я]/],
      [kk, KAZAKH],
    ] as const) {
      const d = answer.data!;
      // each factor's parameter, and the notes of factors without an estimate (the fitting code's own detail is quoted as it is)
      const quotesDetail = /^(оценка невозможна|бағалау мүмкін емес):/;
      const factorTexts = d.riskFactors.factors.flatMap((f) => [f.parameter, ...(f.note !== null && !quotesDetail.test(f.note) ? [f.note] : [])]);
      for (const value of [d.hotspots.method, d.hotspots.studyArea.description, d.hotspots.privacy.rules, d.riskFactors.method, d.riskFactors.caveat, d.riskFactors.privacy.rules, ...factorTexts]) {
        expect(value).toMatch(script);
        expect([value, ENGLISH_SENTENCE.test(words(value))]).toEqual([value, false]);
      }
    }
    expect(ru.data!.hotspots.method).toMatch(/^Статистика Гетиса–Орда Gi\*/);
    expect(ru.data!.riskFactors.caveat).toMatch(/^Это связи между факторами среды/);
    expect(ru.data!.hotspots.privacy.rules).toMatch(/^ниже роли аналитика/);
    // the cached model still answers English in English
    expect((await ask('en')).data!.riskFactors.method).toBe(en.data!.riskFactors.method);
  });

  it('gives the methods of post siting in Russian and Kazakh, and English unchanged', async () => {
    // an analyst's siting over a small part of the demo city: the solver's words are part of the method
    const query = `{
      suggestPostSites(area: { bbox: [76.9, 43.22, 76.96, 43.26] }, count: 2, method: STRAIGHT_LINE, timeLimitSeconds: 1) { method solver }
      minimumPostSites(area: { bbox: [76.9, 43.22, 76.96, 43.26] }, method: STRAIGHT_LINE, timeLimitSeconds: 1) { method }
    }`;
    type Siting = { suggestPostSites: { method: string; solver: string }; minimumPostSites: { method: string } };
    const en = await t.gql<Siting>(query, {}, { ...testUserHeaders(TEST_ANALYST), 'accept-language': 'en' });
    expect(en.errors).toBeUndefined();
    expect(en.data!.suggestPostSites.method).toMatch(/^maximal covering location problem \(Church and ReVelle 1974\) over \d+ resolution-10 demand cells \(incidents\)/);
    expect(en.data!.minimumPostSites.method).toMatch(/^location set covering \(Toregas et al\. 1971\) of \d+ significant hot spot cells/);
    const [ru, kk] = await Promise.all(['ru', 'kk'].map((l) => t.gql<Siting>(query, {}, { ...testUserHeaders(TEST_ANALYST), 'accept-language': l })));
    for (const [answer, script] of [
      [ru, /[А-Яа-я]/],
      [kk, KAZAKH],
    ] as const) {
      expect(answer.errors).toBeUndefined();
      for (const value of [answer.data!.suggestPostSites.method, answer.data!.minimumPostSites.method]) {
        expect(value).toMatch(script);
        expect([value, ENGLISH_SENTENCE.test(words(value))]).toEqual([value, false]);
      }
    }
    expect(ru.data!.suggestPostSites.method).toMatch(/^задача о максимальном покрытии \(Church и ReVelle 1974\)/);
    expect(ru.data!.minimumPostSites.method).toMatch(/^задача о покрытии множества \(Toregas et al\. 1971\)/);
    if (en.data!.suggestPostSites.solver === 'mip') expect(ru.data!.suggestPostSites.method).toContain('целочисленного программирования');
  });

  it('says the reason of a BAD_USER_INPUT in the language, with code and argumentPath unchanged', async () => {
    const bad = '{ hotspots(area: { bbox: [76.85, 43.2, 77.0, 43.3] }, resolution: 8, k: 9) { hotCellCount } }';
    const [en, ru, kk] = await Promise.all(['en', 'ru', 'kk'].map((l) => t.gql(bad, {}, { 'accept-language': l })));
    for (const answer of [en, ru, kk]) {
      expect(answer.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(answer.errors![0].extensions!.argumentPath).toBe('k');
    }
    expect(en.errors![0].message).toBe('k: must be an integer from 1 to 5, got 9');
    expect(en.errors![0].extensions!.reason).toBe('must be an integer from 1 to 5, got 9');
    expect(ru.errors![0].message).toBe('Недопустимое значение «k»: должно быть целым числом от 1 до 5, получено 9');
    expect(ru.errors![0].extensions!.reason).toBe('должно быть целым числом от 1 до 5, получено 9');
    expect(kk.errors![0].message).toMatch(KAZAKH);
    for (const answer of [ru, kk]) expect(ENGLISH_SENTENCE.test(answer.errors![0].message)).toBe(false);
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

describe('errors of exports, tiles and OGC API in the caller language', () => {
  interface ErrorBody {
    errors: { message: string; extensions: Record<string, unknown> }[];
  }
  const ANALYST = testUserHeaders(TEST_ANALYST);
  const KAZAKH = /[ӘәҒғҚқҢңӨөҰұҮүҺһІі]/;

  /** The same failing request in English (nothing asked), Russian (`?lang=ru`) and Kazakh (Accept-Language). */
  async function inEachLanguage(path: string, headers: Record<string, string> = {}) {
    const ask = async (url: string, extra: Record<string, string> = {}) => {
      const response = await fetch(origin + url, { headers: { ...headers, ...extra } });
      return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as ErrorBody };
    };
    const [en, ru, kk] = await Promise.all([ask(path), ask(`${path}${path.includes('?') ? '&' : '?'}lang=ru`), ask(path, { 'accept-language': 'kk-KZ,ru;q=0.5' })]);
    for (const answer of [ru, kk]) {
      expect(answer.status).toBe(en.status);
      expect(answer.type).toBe(en.type);
      const [error] = answer.body.errors;
      const [english] = en.body.errors;
      // the code and the other machine values stay; the message is in the language and no longer the English one
      expect(error.extensions.code).toBe(english.extensions.code);
      for (const key of ['argumentPath', 'parameter']) expect(error.extensions[key]).toEqual(english.extensions[key]);
      expect(error.message).toMatch(CYRILLIC);
      expect(error.message).not.toBe(english.message);
    }
    expect(kk.body.errors[0].message).toMatch(KAZAKH);
    return { en: en.body.errors[0], ru: ru.body.errors[0], kk: kk.body.errors[0], status: en.status };
  }

  it('an export with a bad bbox: BAD_USER_INPUT naming bbox as the URL wrote it', async () => {
    const { en, ru, kk, status } = await inEachLanguage('/export/incidents.geojson?bbox=76.9,43.2,77', ANALYST);
    expect(status).toBe(400);
    expect(en).toMatchObject({ message: 'filter.area.bbox: must be four numbers [minLng, minLat, maxLng, maxLat]', extensions: { code: 'BAD_USER_INPUT', parameter: 'bbox' } });
    expect(ru.message).toBe('Недопустимое значение «bbox»: должно состоять из четырёх чисел [minLng, minLat, maxLng, maxLat]');
    expect(kk.message).toBe('«bbox» мәні жарамсыз: төрт саннан тұруы керек [minLng, minLat, maxLng, maxLat]');
  });

  it('an export in an unknown format or of an unknown query: NOT_FOUND', async () => {
    const format = await inEachLanguage('/export/incidents.xlsx', ANALYST);
    expect(format.status).toBe(404);
    expect(format.en.message).toBe('exports are at /export/{query}.geojson, /export/{query}.csv and /export/{query}.csvt (the CSV column types)');
    expect(format.ru.message).toMatch(/^Выгрузки доступны по адресам \/export\/\{query\}\.geojson/);
    const query = await inEachLanguage('/export/nosuch.csv');
    expect(query.en.message).toMatch(/^no export "nosuch"; exports: incidents, /);
    expect(query.ru.message).toMatch(/^Выгрузка «nosuch» не найдена; доступные выгрузки: incidents, /);
  });

  it('a tile with a bad address or of an unknown layer', async () => {
    const address = await inEachLanguage('/tiles/hexagons/3/100/1.mvt');
    expect(address.status).toBe(400);
    expect(address.en).toEqual({
      message: 'z/x/y: x must be an integer from 0 to 7 at zoom 3, got 100',
      extensions: { code: 'BAD_USER_INPUT', argumentPath: 'z/x/y', reason: 'x must be an integer from 0 to 7 at zoom 3, got 100' },
    });
    expect(address.ru.message).toBe('Недопустимое значение «z/x/y»: координата x должна быть целым числом от 0 до 7 на уровне масштаба 3, получено 100');
    const layer = await inEachLanguage('/tiles/nosuch/1/1/1.mvt');
    expect(layer.status).toBe(404);
    expect(layer.en.message).toMatch(/^no tile layer "nosuch"; layers: hotspots, /);
    expect(layer.ru.message).toMatch(/^Слой тайлов «nosuch» не найден; доступные слои: hotspots, /);
    expect(layer.kk.message).toMatch(/^«nosuch» тайлдар қабаты жоқ/);
    const parameter = await inEachLanguage('/tiles/hexagons/11/1493/765.mvt?radius=5');
    expect(parameter.ru.message).toMatch(/^Недопустимое значение «radius»: не является параметром слоя тайлов hexagons; его параметры: bbox, /);
  });

  it('OGC API items with a bad limit or datetime, of an unknown collection, and an item that does not exist', async () => {
    const limit = await inEachLanguage('/ogc/collections/incidents/items?limit=ten', ANALYST);
    expect(limit.status).toBe(400);
    expect(limit.en).toMatchObject({ message: 'limit: must be a positive integer, got "ten"', extensions: { code: 'BAD_USER_INPUT', argumentPath: 'limit' } });
    expect(limit.ru.message).toBe('Недопустимое значение «limit»: должно быть положительным целым числом, получено «ten»');
    const datetime = await inEachLanguage('/ogc/collections/incidents/items?datetime=yesterday', ANALYST);
    expect(datetime.ru.message).toMatch(/^Недопустимое значение «datetime»: «yesterday» не является датой и временем RFC 3339/);
    const collection = await inEachLanguage('/ogc/collections/nosuch/items');
    expect(collection.status).toBe(404);
    expect(collection.en).toEqual({ message: 'no collection "nosuch"', extensions: { code: 'NOT_FOUND' } });
    expect([collection.ru.message, collection.kk.message]).toEqual(['Коллекция «nosuch» не найдена', '«nosuch» жинағы жоқ']);
    const item = await inEachLanguage('/ogc/collections/incidents/items/999999999', ANALYST);
    expect(item.status).toBe(404);
    expect(item.en.message).toBe('no feature 999999999 in collection incidents');
    expect(item.ru.message).toBe('Объект 999999999 в коллекции incidents не найден');
  });

  it('takes ?lang= on tiles and OGC API without refusing it as a query parameter', async () => {
    const items = await fetch(`${origin}/ogc/collections/incidents/items?limit=1&lang=ru`, { headers: ANALYST });
    expect(items.status).toBe(200);
    const next = ((await items.json()) as { links: { rel: string; href: string }[] }).links.find((l) => l.rel === 'next');
    expect(next?.href).toContain('lang=ru');
    const tile = await fetch(`${origin}/tiles/posts/11/1493/765.mvt?lang=kk`);
    expect([200, 204]).toContain(tile.status);
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
