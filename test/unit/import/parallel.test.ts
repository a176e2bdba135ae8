import { Readable } from 'node:stream';
import { copyField, copyText } from '../../../src/db/copyText';
import { csvChunks, lastBreakOutsideQuotes } from '../../../src/import/parallel';
import { csvTextRows } from '../../../src/import/readers';

describe('cutting a CSV into chunks of whole records', () => {
  it('the last line break outside quotes', () => {
    expect(lastBreakOutsideQuotes('a,b\nc,d\ne')).toBe(7);
    expect(lastBreakOutsideQuotes('a,"b\nc"\nd,"e\nf')).toBe(7);
    expect(lastBreakOutsideQuotes('a,"b ""q""\nc"\n')).toBe(13);
    expect(lastBreakOutsideQuotes('"a\nb')).toBe(-1);
    expect(lastBreakOutsideQuotes('no break')).toBe(-1);
  });

  it('chunks of any size give the records, and lines, of the whole file', async () => {
    const lines = ['\ufeffid,text'];
    for (let i = 1; i <= 200; i++) lines.push(i % 7 === 0 ? `${i},"two\nlines, ""quoted"""` : `${i},plain ${i}`);
    const text = lines.join('\r\n') + '\r\n';
    const expected = csvTextRows(text.slice(text.indexOf('\n') + 1), 2, ['id', 'text'], ',');
    for (const size of [1, 50, 333, 100_000]) {
      const input = Readable.from([Buffer.from(text.slice(0, 500)), Buffer.from(text.slice(500))]);
      const rows = [];
      for await (const chunk of csvChunks(input, 'utf-8', size)) rows.push(...csvTextRows(chunk.text, chunk.firstLine, ['id', 'text'], ','));
      expect(rows).toEqual(expected);
    }
    expect(expected).toHaveLength(200);
    expect(expected[6]).toEqual({ line: 9, raw: { id: '7', text: 'two\nlines, "quoted"' }, columns: ['id', 'text'] });
    // a record's line is the one it ends on
    expect(expected[7].line).toBe(10);
  });
});

describe('COPY text', () => {
  it('escapes backslashes, tabs and line breaks; null is \\N; numbers read back as the same double', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyField('\\N')).toBe('\\\\N');
    expect(copyField(true)).toBe('t');
    expect(copyField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(() => copyField(Number.NaN)).toThrow(RangeError);
  });

  it('one line per record in the columns of the upsert', () => {
    const text = copyText(
      'incidents',
      [
        {
          source: 's',
          externalId: 'x\t1',
          occurredAt: new Date(Date.UTC(2025, 0, 1)),
          category: 'theft',
          outdoor: null,
          description: null,
          timePrecision: 'month',
          geometry: { type: 'Point', coordinates: [76.9, 43.25] },
        },
      ],
      11,
    );
    const fields = text.slice(0, -1).split('\t');
    expect(fields.slice(0, 10)).toEqual(['s', 'x\\t1', '1735689600000', 'theft', '\\N', '\\N', 'month', '\\N', '76.9', '43.25']);
    expect(fields).toHaveLength(16);
  });
});
