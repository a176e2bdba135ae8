import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { detectDelimiter, detectEncoding, detectFormat } from '../../../src/import/fileShape';
import { readCsv } from '../../../src/import/readers';

async function rows(input: Buffer, options: Parameters<typeof readCsv>[1]) {
  const out = [];
  for await (const row of readCsv(Readable.from([input]), options)) out.push(row.raw);
  return out;
}

describe('reading files as published', () => {
  it('detects delimiters, encodings and formats', () => {
    expect(detectDelimiter('Номер;Дата;Вид\n1;2;3')).toBe(';');
    expect(detectDelimiter('a,b,c\n')).toBe(',');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc\n')).toBe('\t');
    expect(detectEncoding(Buffer.from('Номер;Кража\n', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(iconv.encode('Номер;Дата и время;Вид происшествия\n1;18.07.2026;Кража\n2;18.07.2026;Грабёж\n', 'win1251'))).toBe('windows-1251');
    expect(detectFormat('x.gpkg', 'SQLite format 3\u0000')).toBe('gis');
    expect(detectFormat('x.zip', 'PK\u0003\u0004')).toBe('gis');
    expect(detectFormat('x.shp', "\u0000\u0000'\n")).toBe('gis');
    expect(detectFormat('x.kml', '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">')).toBe('gis');
    expect(detectFormat('x.geojson', '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32643"}},')).toBe('gis');
    expect(detectFormat('x.geojson', '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},')).toBe('geojson');
    expect(detectFormat('x.csv', 'a,b\n')).toBe('csv');
  });

  it('reads a Windows-1251 ";" CSV with quoted fields, split across chunks', async () => {
    const text = 'Номер;Адрес;Вид\r\n1;"пр. Абая; 52";Кража\r\n2;ул. Толе би;Грабёж\r\n';
    expect(await rows(iconv.encode(text, 'win1251'), { delimiter: ';', encoding: 'windows-1251' })).toEqual([
      { номер: '1', адрес: 'пр. Абая; 52', вид: 'Кража' },
      { номер: '2', адрес: 'ул. Толе би', вид: 'Грабёж' },
    ]);
  });
});
