import { describeFetchError } from '../http';
import {
  FixtureServer,
  startFixtureServer,
  unreachableUrl,
} from './__testUtils__/fixtureServer';
import { HttpRun } from './http';
import { DEFAULT_TRACING_OPTIONS } from './types';

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

describe('HttpRun', () => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const run = (retries: number, signal?: AbortSignal, base = server!.url) =>
    new HttpRun(
      'Jaeger',
      base,
      { ...DEFAULT_TRACING_OPTIONS, retries, timeoutMs: 2_000 },
      signal,
      () => 0.01,
    );

  it.each([503, 429, 502, 504])(
    'tries a request answered %s again, and returns the answer that follows',
    async code => {
      let n = 0;
      server = await startFixtureServer(() =>
        n++ < 2 ? { status: code, body: 'busy' } : { body: { data: [] } },
      );
      const r = run(2);
      const answer = await r.get(`${server.url}/api/services`);
      expect(answer.status).toBe(200);
      expect(r.requests).toBe(3);
    },
  );

  it('stops after the configured retries and hands over the last answer', async () => {
    server = await startFixtureServer(() => ({ status: 503, body: 'down' }));
    const r = run(1);
    const answer = await r.get(`${server.url}/api/services`);
    expect(answer.status).toBe(503);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 500 or a 404: they are answers, not hiccups', async () => {
    server = await startFixtureServer(() => ({ status: 500, body: 'bug' }));
    const answer = await run(2).get(`${server.url}/api/services`);
    expect(answer.status).toBe(500);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a refused connection, then names it', async () => {
    const url = await unreachableUrl();
    const r = run(2, undefined, url);
    await expect(r.get(`${url}/api/services`)).rejects.toThrow(
      /did not answer: ECONNREFUSED/,
    );
    expect(r.requests).toBe(3);
    // Once one request found the back end down, the next ones try once.
    await expect(r.get(`${url}/api/traces`)).rejects.toThrow(/ECONNREFUSED/);
    expect(r.requests).toBe(4);
    expect(() => r.assertReachable()).toThrow(
      /is unreachable: ECONNREFUSED \(all 2 requests failed\)/,
    );
  });

  it("gives up at once when the run's signal aborts, without trying again", async () => {
    server = await startFixtureServer(() => ({ body: {}, delayMs: 5_000 }));
    const controller = new AbortController();
    const r = run(2, controller.signal);
    const pending = r.get(`${server.url}/api/services`);
    setTimeout(() => controller.abort(new Error('run deadline passed')), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow('run deadline passed');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
    await expect(r.get(`${server.url}/api/services`)).rejects.toThrow(
      'run deadline passed',
    );
    expect(server.requests).toHaveLength(1);
  });
});
