import { describeFetchError } from '../http';
import { unreachableUrl } from './__testUtils__/fixtureServer';

/** The shared describer (sources/http.ts) as the HTTP sources meet errors. */
describe('describeFetchError', () => {
  const withCode = (message: string, code: string) =>
    Object.assign(new Error(message), { code });

  it.each<[string, unknown, string]>([
    [
      'fetch() refused: the code sits in `cause`',
      new TypeError('fetch failed', {
        cause: withCode('connect ECONNREFUSED 10.0.0.9:16686', 'ECONNREFUSED'),
      }),
      'ECONNREFUSED',
    ],
    [
      'fetch() trying every address of a name: an AggregateError in `cause`',
      new TypeError('fetch failed', {
        cause: new AggregateError([
          withCode('connect ETIMEDOUT 10.0.0.9:3200', 'ETIMEDOUT'),
          withCode('connect ENETUNREACH [fd00::9]:3200', 'ENETUNREACH'),
        ]),
      }),
      'ETIMEDOUT',
    ],
    [
      'node:http: the code on the error itself',
      withCode('getaddrinfo ENOTFOUND kubernetes.default.svc', 'ENOTFOUND'),
      'ENOTFOUND',
    ],
    [
      'no code anywhere: the cause says why',
      new TypeError('fetch failed', { cause: new Error('other side closed') }),
      'other side closed',
    ],
    [
      'a plain error',
      new Error('timed out after 300 ms'),
      'timed out after 300 ms',
    ],
    ['something thrown that is no error', 'boom', 'boom'],
  ])('%s', (_name, error, expected) => {
    expect(describeFetchError(error)).toBe(expected);
  });

  it('says a timeout, and how long was waited when told', () => {
    const timeout = new DOMException(
      'The operation was aborted due to timeout',
      'TimeoutError',
    );
    expect(describeFetchError(timeout)).toBe('the request timed out');
    expect(describeFetchError(timeout, 300)).toBe('no answer within 300 ms');
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(describeFetchError(abort, 300)).toBe('no answer within 300 ms');
  });

  it('names what the real fetch() reports for a closed port', async () => {
    const error = await fetch(await unreachableUrl()).catch(e => e);
    expect(describeFetchError(error)).toBe('ECONNREFUSED');
  });
});
