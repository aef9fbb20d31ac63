import {
  sortedTraces,
  TRACE_1,
  TRACE_2,
  TRACE_3,
} from './__testUtils__/bookinfo';
import {
  fixtureJson,
  fixtureText,
  FixtureHandler,
  FixtureResponse,
  FixtureServer,
  GO_NOT_FOUND,
  startFixtureServer,
  unreachableUrl,
  WINDOW,
} from './__testUtils__/fixtureServer';
import { JaegerSource } from './JaegerSource';

/** Jaeger api_v3's answer to a search with no match (http.Error: text/plain, trailing newline). */
const NO_TRACES_FOUND: FixtureResponse = {
  status: 404,
  body: '{"error":{"httpCode":404,"message":"No traces found"}}\n',
  contentType: 'text/plain; charset=utf-8',
};

const HTML_500: FixtureResponse = {
  status: 500,
  body: '<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  contentType: 'text/html',
};

const V3_SERVICES: FixtureResponse = {
  body: { services: ['productpage.default', 'orders.shop', 'jaeger'] },
};

/** A Jaeger ≥ v2 query service: api_v3 answers from fixtures. */
function jaegerV3(
  overrides: Record<string, FixtureResponse> = {},
): FixtureHandler {
  return req => {
    if (req.path === '/api/v3/services') return V3_SERVICES;
    if (req.path === '/api/v3/traces') {
      const service = req.query.get('query.serviceName') ?? '';
      if (overrides[service]) return overrides[service];
      if (service === 'productpage.default') {
        return { body: fixtureJson('jaeger-v3-traces-productpage.json') };
      }
      if (service === 'orders.shop') {
        return { body: fixtureJson('jaeger-v3-traces-orders.json') };
      }
      return NO_TRACES_FOUND;
    }
    return GO_NOT_FOUND;
  };
}

const V1_EMPTY = { data: [], total: 0, limit: 0, offset: 0, errors: null };

/** A Jaeger ≤ v1.x query service: v1 answers; `probe` is what it says on /api/v3/services. */
function jaegerV1(
  probe: FixtureResponse,
  overrides: Record<string, FixtureResponse> = {},
): FixtureHandler {
  return req => {
    if (req.path.startsWith('/api/v3/')) return probe;
    if (req.path === '/api/traces') {
      const service = req.query.get('service') ?? '';
      if (overrides[service]) return overrides[service];
      if (service === 'productpage.default') {
        return { body: fixtureJson('jaeger-v1-traces-productpage.json') };
      }
      if (service === 'orders.shop') {
        return { body: fixtureJson('jaeger-v1-traces-orders.json') };
      }
      return { body: V1_EMPTY };
    }
    return GO_NOT_FOUND;
  };
}

describe('JaegerSource', () => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const serve = async (handler: FixtureHandler) => {
    server = await startFixtureServer(handler);
    return server;
  };

  describe('api_v3', () => {
    it('searches each service and normalises the OTLP answer (hex ids, integer kinds)', async () => {
      const s = await serve(jaegerV3());
      const source = new JaegerSource(s.url);
      const data = await source.fetch({
        services: ['productpage.default', 'orders.shop', 'ratings.default'],
        ...WINDOW,
      });

      expect(sortedTraces(data.traces)).toEqual(
        sortedTraces([TRACE_1, TRACE_2, TRACE_3]),
      );
      expect(data.perService).toEqual({
        'productpage.default': 2,
        'orders.shop': 1,
        'ratings.default': 0,
      });
      expect(data.problems).toEqual([]);
      expect(data.requests).toBe(4);
      expect(source.detectedApi).toBe('v3');

      const search = s.requests.find(
        r => r.query.get('query.serviceName') === 'productpage.default',
      )!;
      expect(Object.fromEntries(search.query)).toEqual({
        'query.serviceName': 'productpage.default',
        'query.startTimeMin': '2026-03-01T09:45:00.000000000Z',
        'query.startTimeMax': '2026-03-01T10:05:00.000000000Z',
        'query.searchDepth': '20',
        'query.service_name': 'productpage.default',
        'query.start_time_min': '2026-03-01T09:45:00.000000000Z',
        'query.start_time_max': '2026-03-01T10:05:00.000000000Z',
        'query.search_depth': '20',
        'query.num_traces': '20',
      });
    });

    it('reads "No traces found" (404) as zero traces, not a problem', async () => {
      const s = await serve(jaegerV3());
      const data = await new JaegerSource(s.url).fetch({
        services: ['ratings.default'],
        ...WINDOW,
      });
      expect(data).toEqual({
        traces: [],
        perService: { 'ratings.default': 0 },
        problems: [],
        requests: 2,
        linkerdProxyService: 'linkerd-proxy',
      });
    });

    it('reads the one-document-per-line answer of older api_v3 gateways', async () => {
      const doc = fixtureJson('jaeger-v3-traces-productpage.json') as {
        result: { resourceSpans: unknown[] };
      };
      const lines = doc.result.resourceSpans
        .map(rs => JSON.stringify({ result: { resourceSpans: [rs] } }))
        .join('\n');
      const s = await serve(
        jaegerV3({
          'productpage.default': {
            body: `${lines}\n`,
            contentType: 'application/json',
          },
        }),
      );
      const data = await new JaegerSource(s.url).fetch({
        services: ['productpage.default'],
        ...WINDOW,
      });
      expect(data.problems).toEqual([]);
      expect(sortedTraces(data.traces)).toEqual(
        sortedTraces([TRACE_1, TRACE_2]),
      );
    });

    it('keeps at most maxTracesPerService traces per service and asks for no more', async () => {
      const s = await serve(jaegerV3());
      const data = await new JaegerSource(s.url, {
        maxTracesPerService: 1,
      }).fetch({
        services: ['productpage.default'],
        ...WINDOW,
      });
      expect(data.perService).toEqual({ 'productpage.default': 1 });
      expect(data.traces.map(t => t.traceId)).toEqual([TRACE_1.traceId]);
      const search = s.requests.find(r => r.path === '/api/v3/traces')!;
      expect(search.query.get('query.searchDepth')).toBe('1');
    });
  });

  describe('api_v3 absent: falls back to v1', () => {
    it.each<[string, FixtureResponse]>([
      ['a 404 on /api/v3/services', GO_NOT_FOUND],
      [
        "the UI's index.html, which older query services serve for any unknown path",
        {
          body: fixtureText('jaeger-spa-index.html'),
          contentType: 'text/html; charset=utf-8',
        },
      ],
    ])(
      'after %s, with microsecond times, CHILD_OF and FOLLOWS_FROM, processes',
      async (_name, probe) => {
        const s = await serve(jaegerV1(probe));
        const source = new JaegerSource(s.url);
        const data = await source.fetch({
          services: ['productpage.default', 'orders.shop', 'ratings.default'],
          ...WINDOW,
        });

        expect(source.detectedApi).toBe('v1');
        expect(sortedTraces(data.traces)).toEqual(
          sortedTraces([TRACE_1, TRACE_2, TRACE_3]),
        );
        expect(data.perService).toEqual({
          'productpage.default': 2,
          'orders.shop': 1,
          'ratings.default': 0,
        });
        expect(data.problems).toEqual([]);
        const search = s.requests.find(
          r => r.query.get('service') === 'orders.shop',
        )!;
        expect(search.path).toBe('/api/traces');
        expect(Object.fromEntries(search.query)).toEqual({
          service: 'orders.shop',
          start: '1772358300000000',
          end: '1772359500000000',
          limit: '20',
        });
        expect(s.paths().filter(p => p.startsWith('/api/v3/'))).toEqual([
          '/api/v3/services',
        ]);
      },
    );

    it('remembers the answer: the next fetch does not probe again', async () => {
      const s = await serve(jaegerV1(GO_NOT_FOUND));
      const source = new JaegerSource(s.url);
      await source.fetch({ services: ['orders.shop'], ...WINDOW });
      const second = await source.fetch({
        services: ['orders.shop'],
        ...WINDOW,
      });
      expect(second.requests).toBe(1);
      expect(s.paths()).toEqual([
        '/api/v3/services',
        '/api/traces',
        '/api/traces',
      ]);
    });

    it('reports the errors a v1 answer carries next to its data', async () => {
      const s = await serve(
        jaegerV1(GO_NOT_FOUND, {
          'orders.shop': {
            body: {
              ...(fixtureJson('jaeger-v1-traces-orders.json') as object),
              errors: [
                {
                  code: 500,
                  msg: 'trace not found',
                  traceID: 'deadbeefdeadbeef',
                },
              ],
            },
          },
        }),
      );
      const data = await new JaegerSource(s.url).fetch({
        services: ['orders.shop'],
        ...WINDOW,
      });
      expect(data.perService).toEqual({ 'orders.shop': 1 });
      expect(data.problems).toEqual([
        'service "orders.shop": Jaeger reported an error next to its data: 500: trace not found (trace deadbeefdeadbeef)',
      ]);
    });
  });

  describe('failures', () => {
    it('fails the fetch when api_v3 detection gets no clear answer, and asks again next time', async () => {
      let down = true;
      const s = await serve(req =>
        down && req.path === '/api/v3/services'
          ? {
              status: 503,
              body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
            }
          : jaegerV3()(req),
      );
      const source = new JaegerSource(s.url);
      await expect(
        source.fetch({ services: ['orders.shop'], ...WINDOW }),
      ).rejects.toThrow(
        /cannot tell whether api_v3 is available, .*\/api\/v3\/services answered HTTP 503: upstream connect error/,
      );
      expect(source.detectedApi).toBeUndefined();

      down = false;
      const data = await source.fetch({ services: ['orders.shop'], ...WINDOW });
      expect(data.perService).toEqual({ 'orders.shop': 1 });
      expect(source.detectedApi).toBe('v3');
    });

    it('turns an HTML 500 for one service into a problem; the others still count', async () => {
      const s = await serve(jaegerV3({ 'productpage.default': HTML_500 }));
      const data = await new JaegerSource(s.url).fetch({
        services: ['productpage.default', 'orders.shop'],
        ...WINDOW,
      });
      expect(data.perService).toEqual({ 'orders.shop': 1 });
      expect(data.traces.map(t => t.traceId)).toEqual([TRACE_3.traceId]);
      expect(data.problems).toHaveLength(1);
      expect(data.problems[0]).toMatch(
        /^service "productpage\.default": Jaeger at http:\/\/127\.0\.0\.1:\d+\/api\/v3\/traces\?query\.serviceName=productpage\.default&.* answered HTTP 500: <html> <head><title>500 Internal Server Error<\/title>/,
      );
    });

    it('quotes the message of a Jaeger error answer', async () => {
      const s = await serve(
        jaegerV3({
          'orders.shop': {
            status: 500,
            body: '{"error":{"httpCode":500,"message":"elasticsearch: search failed: context deadline exceeded"}}\n',
            contentType: 'text/plain; charset=utf-8',
          },
        }),
      );
      const data = await new JaegerSource(s.url).fetch({
        services: ['orders.shop', 'productpage.default'],
        ...WINDOW,
      });
      expect(data.problems[0]).toMatch(
        /answered HTTP 500: elasticsearch: search failed: context deadline exceeded$/,
      );
    });

    it('fails the fetch when every search answered an error: the back end is unusable, not partly so', async () => {
      const s = await serve(
        jaegerV3({
          'orders.shop': HTML_500,
          'productpage.default': HTML_500,
        }),
      );
      await expect(
        new JaegerSource(s.url).fetch({
          services: ['orders.shop', 'productpage.default', 'bad\nname'],
          ...WINDOW,
        }),
      ).rejects.toThrow(
        /^Jaeger http:\/\/127\.0\.0\.1:\d+: every search failed \(2 service\(s\)\); the first: service "orders\.shop": .*answered HTTP 500/,
      );
    });

    it.each<[string, FixtureHandler, RegExp]>([
      [
        'api_v3 spans of the wrong type',
        jaegerV3({
          'orders.shop': {
            body: {
              result: {
                resourceSpans: [
                  { scopeSpans: [{ spans: [{ traceId: 42, spanId: 'a1' }] }] },
                ],
              },
            },
          },
        }),
        /^service "orders\.shop": Jaeger at http:\/\/127\.0\.0\.1:\d+\/api\/v3\/traces\?.* answered in an unexpected shape: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.traceId: /,
      ],
      [
        'a v1 answer without data',
        jaegerV1(GO_NOT_FOUND, { 'orders.shop': { body: { traces: [] } } }),
        /^service "orders\.shop": Jaeger at http:\/\/127\.0\.0\.1:\d+\/api\/traces\?service=orders\.shop.* answered in an unexpected shape: not a Jaeger v1 answer: no "data" field$/,
      ],
      [
        'a v1 answer that is not JSON',
        jaegerV1(GO_NOT_FOUND, {
          'orders.shop': {
            body: '{"data":[{"traceID":',
            contentType: 'application/json',
          },
        }),
        /answered HTTP 200 with a body that is not JSON: \{"data":\[\{"traceID":$/,
      ],
      [
        "a 404 on the api_v3 search route with a body that is not Jaeger's",
        jaegerV3({ 'orders.shop': GO_NOT_FOUND }),
        /answered HTTP 404: api_v3 search route not found: 404 page not found$/,
      ],
    ])(
      'turns %s into a problem naming the URL',
      async (_name, handler, message) => {
        const s = await serve(handler);
        const data = await new JaegerSource(s.url).fetch({
          services: ['orders.shop', 'productpage.default'],
          ...WINDOW,
        });
        expect(data.problems).toHaveLength(1);
        expect(data.problems[0]).toMatch(message);
        expect(data.perService).toEqual({ 'productpage.default': 2 });
      },
    );

    it('times out a slow service query and keeps the others', async () => {
      const s = await serve(
        jaegerV3({ 'slow.default': { ...NO_TRACES_FOUND, delayMs: 3000 } }),
      );
      const started = Date.now();
      const data = await new JaegerSource(s.url, { timeoutMs: 300 }).fetch({
        services: ['slow.default', 'orders.shop'],
        ...WINDOW,
      });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(data.perService).toEqual({ 'orders.shop': 1 });
      expect(data.problems).toEqual([
        expect.stringMatching(
          /^service "slow\.default": Jaeger at .*\/api\/v3\/traces\?.* did not answer: no answer within 300 ms$/,
        ),
      ]);
    });

    it('rejects the fetch when every search times out, even though the probe answered', async () => {
      const s = await serve(req =>
        req.path === '/api/v3/services'
          ? V3_SERVICES
          : { ...NO_TRACES_FOUND, delayMs: 3000 },
      );
      await expect(
        new JaegerSource(s.url, { timeoutMs: 200 }).fetch({
          services: ['a', 'b'],
          ...WINDOW,
        }),
      ).rejects.toThrow(
        /^Jaeger at http:\/\/127\.0\.0\.1:\d+ is not answering: no answer within 200 ms \(all 2 requests failed\)$/,
      );
    });

    it('rejects the fetch when the back end is unreachable', async () => {
      const url = await unreachableUrl();
      await expect(
        new JaegerSource(url).fetch({ services: ['a', 'b'], ...WINDOW }),
      ).rejects.toThrow(
        new RegExp(
          `^Jaeger at ${url.replace(
            /[.]/g,
            '\\.',
          )} is unreachable: ECONNREFUSED`,
        ),
      );
    });

    it('refuses a service name with control characters without sending it', async () => {
      const s = await serve(jaegerV3());
      const data = await new JaegerSource(s.url).fetch({
        services: ['orders.shop\r\nX-Injected: 1', 'orders.shop'],
        ...WINDOW,
      });
      expect(data.problems).toEqual([
        'service name "orders.shop\\r\\nX-Injected: 1" contains control characters; not queried',
      ]);
      expect(data.perService).toEqual({ 'orders.shop': 1 });
      expect(s.requests.filter(r => r.path === '/api/v3/traces')).toHaveLength(
        1,
      );
    });
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const s = await serve(req =>
      req.path === '/api/v3/services'
        ? V3_SERVICES
        : { ...NO_TRACES_FOUND, delayMs: 60 },
    );
    const services = Array.from({ length: 9 }, (_, i) => `svc-${i}.default`);
    const data = await new JaegerSource(s.url, { concurrency: 3 }).fetch({
      services,
      ...WINDOW,
    });
    expect(Object.keys(data.perService)).toHaveLength(9);
    expect(s.requests).toHaveLength(10);
    expect(s.maxInFlight).toBe(3);
  });

  it('sends the configured headers', async () => {
    const s = await serve(jaegerV3());
    await new JaegerSource(`${s.url}/`, {
      headers: { authorization: 'Bearer abc' },
    }).fetch({
      services: ['orders.shop'],
      ...WINDOW,
    });
    expect(s.requests.map(r => r.headers.authorization)).toEqual([
      'Bearer abc',
      'Bearer abc',
    ]);
    expect(s.paths()).toEqual(['/api/v3/services', '/api/v3/traces']);
  });
});
