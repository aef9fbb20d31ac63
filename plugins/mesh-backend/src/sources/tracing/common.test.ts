import {
  rfc3339Nano,
  serviceNameProblem,
  traceQlString,
  validateFetchRequest,
} from './common';
import { JaegerSource } from './JaegerSource';

describe('request validation', () => {
  const start = new Date('2026-03-01T10:00:00Z');
  it.each<[string, Date, Date, RegExp]>([
    [
      'start after end',
      new Date('2026-03-01T11:00:00Z'),
      start,
      /start 2026-03-01T11:00:00.000Z is after end/,
    ],
    ['an invalid start', new Date('nope'), start, /start is not a valid date/],
    ['an invalid end', start, new Date(NaN), /end is not a valid date/],
  ])('refuses %s', (_name, s, e, message) => {
    expect(() =>
      validateFetchRequest({ services: [], start: s, end: e }),
    ).toThrow(message);
  });

  it('rejects the fetch before any request', async () => {
    // Port 9 (discard) is never contacted: validation comes first.
    await expect(
      new JaegerSource('http://127.0.0.1:9').fetch({
        services: ['a'],
        start,
        end: new Date(0),
      }),
    ).rejects.toThrow(/is after end/);
  });
});

describe('service names', () => {
  it.each<[string, string | undefined]>([
    ['reviews.default', undefined],
    ['Billing API (v2)', undefined],
    ['we"ird\\name', undefined],
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['a'.repeat(257), 'is longer than 256 characters'],
    ['tab\there', 'contains control characters'],
    ['nul\u0000', 'contains control characters'],
  ])('%j → %p', (name, problem) => {
    expect(serviceNameProblem(name)).toBe(problem);
  });

  it('quotes TraceQL strings', () => {
    expect(traceQlString('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
});

describe('rfc3339Nano', () => {
  it('writes nine fraction digits', () => {
    expect(rfc3339Nano(new Date('2026-03-01T09:45:00.123Z'))).toBe(
      '2026-03-01T09:45:00.123000000Z',
    );
  });
});
