/**
 * The catalogues (locales/{en,ru,kk}.json): every key in all three, every placeholder kept, a
 * label for every value of every enum of the schema, and no word of the map page or the IDE
 * built outside them.
 */
import fs from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import { isEnumType } from 'graphql';
import { buildApiSchema } from '../../../src/graphql/build';
import { catalogue, Catalogue, languageOfAcceptLanguage, LANGUAGES, localDateTime, translate } from '../../../src/i18n';

function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
/** Plural forms differ by language (ru: one, few, many, other; en and kk: one, other): compare base keys. */
const baseKey = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('catalogues', () => {
  const flat = Object.fromEntries(LANGUAGES.map((l) => [l, flatten(catalogue(l))]));

  it.each(['ru', 'kk'])('%s has every key of en and no other, with the same placeholders', (lang) => {
    const en = new Set([...flat.en.keys()].map(baseKey));
    const other = new Set([...flat[lang].keys()].map(baseKey));
    expect([...en].filter((k) => !other.has(k))).toEqual([]);
    expect([...other].filter((k) => !en.has(k))).toEqual([]);
    for (const [key, value] of flat[lang]) {
      const english = flat.en.get(key) ?? flat.en.get(`${baseKey(key)}_other`) ?? '';
      expect([key, placeholders(value)]).toEqual([key, placeholders(english)]);
      expect(value.trim()).not.toBe('');
    }
  });

  it('names Almaty’s services as they say it', () => {
    expect(translate('ru', 'enum.PostKind.PRECINCT_OFFICE')).toBe('Участковый пункт полиции');
    expect(translate('ru', 'enum.PostKind.MODULAR_POST')).toBe('Модульный пост');
    expect(translate('ru', 'enum.Role.WORKING_GROUP')).toBe('Рабочая группа');
    expect(translate('kk', 'enum.PostKind.PRECINCT_OFFICE')).toBe('Учаскелік полиция пункті');
    expect(translate('kk', 'enum.PostKind.MODULAR_POST')).toBe('Модульдік бекет');
    expect(translate('kk', 'enum.Role.WORKING_GROUP')).toBe('Жұмыс тобы');
    expect(translate('ru', 'enum.Agency.ROADS')).toContain('акимат');
    expect(translate('kk', 'enum.Agency.ROADS')).toContain('әкімдік');
  });

  it('labels every value of every enum of the schema', async () => {
    const schema = await buildApiSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isEnumType(type) || type.name.startsWith('__')) continue;
      for (const value of type.getValues()) for (const lang of LANGUAGES) if (!flat[lang].has(`enum.${type.name}.${value.name}`)) missing.push(`${lang} ${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('reads Accept-Language by q-value and writes city time with its offset', () => {
    expect(languageOfAcceptLanguage('de-DE,kk;q=0.8,ru;q=0.9')).toBe('ru');
    expect(languageOfAcceptLanguage('kk-KZ')).toBe('kk');
    expect(languageOfAcceptLanguage('de, *')).toBeNull();
    expect(localDateTime(new Date('2024-01-15T00:00:00Z'), 'Asia/Almaty')).toMatch(/^2024-01-15T0[56]:00:00\+0[56]:00$/);
    expect(localDateTime(new Date('2025-06-01T19:30:00Z'), 'Asia/Almaty')).toBe('2025-06-02T00:30:00+05:00');
  });
});

describe('no word of the page outside the catalogues', () => {
  const pub = path.resolve(__dirname, '../../../public');

  it('the HTML holds markup only: every text comes through data-i18n', () => {
    const html = fs.readFileSync(path.join(pub, 'index.html'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
    const texts = [...html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').matchAll(/>([^<]+)</g)].map((m) => m[1].trim()).filter((t) => t !== '' && t !== '·');
    expect(texts).toEqual([]);
    expect(html).not.toMatch(/\s(title|placeholder|aria-label)="/);
    for (const key of [...html.matchAll(/data-i18n(?:-title|-placeholder|-aria-label)?="([^"]+)"/g)].map((m) => m[1])) expect(flatten(catalogue('en')).has(key)).toBe(true);
  });

  it.each(['map.js', 'panels.js', 'i18n.js', 'graphiql.js'])('%s builds no sentence of its own', (file) => {
    const source = fs.readFileSync(path.join(pub, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const literals = [...source.matchAll(/'((?:[^'\\\n]|\\.)*)'/g)].map((m) => m[1]);
    // GraphQL documents and style expressions are not words for people; a sentence is two words or more with a capital or a space
    const words = literals.filter((s) => s !== 'use strict' && !/[{}]/.test(s) && /[A-Za-z]{3,}\s+[A-Za-z]{2,}/.test(s));
    expect(words).toEqual([]);
  });
});
