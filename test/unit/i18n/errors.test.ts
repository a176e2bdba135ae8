/**
 * Error messages in the caller's language, one function for GraphQL answers and the HTTP routes:
 * a message made from a catalogue sentence is that sentence in the language, an HTTP route's
 * parameter is quoted as the client wrote it, the masked internal error is localised too, and
 * codes and English never change.
 */
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { failure, httpError, sendError } from '../../../src/http/errors';
import { localisedError } from '../../../src/i18n/errors';
import { text } from '../../../src/i18n/texts';

const CYRILLIC = /[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]/;

/** What sendError writes: status, headers and the JSON body. */
function fakeResponse() {
  const sent: { status?: number; body?: { errors: { message: string; extensions: Record<string, unknown> }[] }; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return res;
    },
    set(name: string, value: string) {
      sent.headers[name] = value;
      return res;
    },
    json(body: typeof sent.body) {
      sent.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, sent };
}

describe('HTTP errors in the caller language', () => {
  it('says a catalogue message in the language, English as it was, the code unchanged', () => {
    const error = httpError('NOT_FOUND', text('http.noCollection', { id: 'nosuch' }));
    expect(error.message).toBe('no collection "nosuch"');
    for (const [lang, expected] of [
      ['en', 'no collection "nosuch"'],
      ['ru', 'Коллекция «nosuch» не найдена'],
      ['kk', '«nosuch» жинағы жоқ'],
    ] as const) {
      const { res, sent } = fakeResponse();
      sendError(res, error, lang);
      expect(sent.status).toBe(404);
      expect(sent.body!.errors[0]).toEqual({ message: expected, extensions: { code: 'NOT_FOUND' } });
    }
  });

  it('localises the masked internal error and keeps its code', () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { res, sent } = fakeResponse();
    sendError(res, new Error('boom'), 'ru');
    spy.mockRestore();
    expect(sent.status).toBe(500);
    expect(sent.body!.errors[0]).toEqual({ message: 'Внутренняя ошибка сервера', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('quotes the URL parameter of an export, not the GraphQL path, and says the reason in the language', () => {
    const problem = failure({
      errors: [
        { message: 'area.bbox: must be four numbers [minLng, minLat, maxLng, maxLat]', extensions: { code: 'BAD_USER_INPUT', argumentPath: 'area.bbox', reason: 'must be four numbers [minLng, minLat, maxLng, maxLat]' } },
      ],
    });
    const { res, sent } = fakeResponse();
    sendError(res, problem, 'ru');
    const [answer] = sent.body!.errors;
    expect(answer.message).toBe('Недопустимое значение «bbox»: должно состоять из четырёх чисел [minLng, minLat, maxLng, maxLat]');
    expect(answer.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentPath: 'area.bbox', parameter: 'bbox' });
    expect((answer.extensions.errors as { message: string }[])[0].message).toBe(answer.message);
  });

  it('names the parameter of a value GraphQL refused, quoting its English detail', () => {
    const problem = failure({ errors: [{ message: 'Variable "$area" got invalid value "a" at "area.bbox[0]"; Float cannot represent non numeric value: "a"', extensions: { code: 'BAD_USER_INPUT' } }] });
    const { res, sent } = fakeResponse();
    sendError(res, problem, 'kk');
    expect(sent.body!.errors[0].message).toBe('«bbox» мәні жарамсыз. Толығырақ (ағылшынша): Parameter "bbox" got invalid value "a"; Float cannot represent non numeric value: "a"');
    const { res: enRes, sent: en } = fakeResponse();
    sendError(enRes, problem, 'en');
    expect(en.body!.errors[0].message).toBe('Parameter "bbox" got invalid value "a"; Float cannot represent non numeric value: "a"');
  });

  it('says the reasons of tiles and the OGC API in the language', () => {
    const reasons = [
      ['z/x/y', 'x must be an integer from 0 to 7 at zoom 3, got 100'],
      ['z/x/y', 'zoom must be an integer from 0 to 22, got 30'],
      ['foo', 'is not a parameter of tile layer hexagons; its parameters: bbox, resolution'],
      ['foo', 'is not a parameter of the incidents export; its parameters: bbox, from, to'],
      ['crs', '"foo" is not a CRS of this collection; use one of http://www.opengis.net/def/crs/OGC/1.3/CRS84'],
      ['bbox', 'is outside the area of http://www.opengis.net/def/crs/EPSG/0/3857'],
    ];
    for (const [argumentPath, reason] of reasons) {
      const english = { message: `${argumentPath}: ${reason}`, extensions: { code: 'BAD_USER_INPUT', argumentPath, reason } };
      for (const lang of ['ru', 'kk'] as const) {
        const said = localisedError(english, lang);
        expect([reason, CYRILLIC.test(said.extensions.reason as string)]).toEqual([reason, true]);
        expect(said.message).toContain(`«${argumentPath}»`);
        expect(said.message).not.toContain('tile layer');
      }
    }
    expect(localisedError({ message: 'x', extensions: { code: 'BAD_USER_INPUT', argumentPath: 'z/x/y', reason: 'x must be an integer from 0 to 7 at zoom 3, got 100' } }, 'ru').message).toBe(
      'Недопустимое значение «z/x/y»: координата x должна быть целым числом от 0 до 7 на уровне масштаба 3, получено 100',
    );
  });

  it('leaves GraphQL errors without a catalogue message as before', () => {
    const formatted = { message: 'k: must be an integer from 1 to 5, got 9', extensions: { code: 'BAD_USER_INPUT', argumentPath: 'k', reason: 'must be an integer from 1 to 5, got 9' } };
    expect(localisedError(formatted, 'en')).toBe(formatted);
    expect(localisedError(formatted, 'ru').message).toBe('Недопустимое значение «k»: должно быть целым числом от 1 до 5, получено 9');
    // a GraphQLError is no HTTP route's: no Text kept, its code's sentence quotes the English detail
    const plain = new GraphQLError('area 7 was not found', { extensions: { code: 'NOT_FOUND' } });
    expect(localisedError({ message: plain.message, extensions: plain.extensions }, 'ru').message).toBe('Не найдено. Подробности (на английском): area 7 was not found');
  });
});
