import {
  fixtureJson,
  FixtureHandler,
  FixtureResponse,
  FixtureServer,
  GO_NOT_FOUND,
  startFixtureServer,
  unreachableUrl,
  WINDOW,
} from './__testUtils__/fixtureServer';
import { parseZipkinTraces, ZipkinSource } from './ZipkinSource';

const FIXTURE = fixtureJson('zipkin-traces-reviews.json') as unknown[][];
const Z1 = '00000000000000005af7183fb1d4cf5f';
const Z2 = '80f198ee56343ba864fe8b2a57d3eff7';

/** Zipkin answering `/api/v2/traces` per service from the fixture. */
function zipkin(
  overrides: Record<string, FixtureResponse> = {},
): FixtureHandler {
  return req => {
    if (req.path !== '/api/v2/traces') return GO_NOT_FOUND;
    const service = req.query.get('serviceName') ?? '';
    if (overrides[service]) return overrides[service];
    if (service === 'reviews.default') return { body: [FIXTURE[0]] };
    if (service === 'reviews') return { body: [FIXTURE[1]] };
    return { body: [] };
  };
}

describe('parseZipkinTraces', () => {
  it('splits B3 shared spans so each side of a hop has its own id and the server is the child', () => {
    const [trace] = parseZipkinTraces([FIXTURE[0]]);
    expect(trace.traceId).toBe(Z1);
    expect(
      trace.spans.map(s => [
        s.spanId,
        s.parentSpanId ?? null,
        s.service,
        s.kind,
        s.proxyDirection,
      ]),
    ).toEqual([
      [
        '352bff9a74ca9ad20000000000000000',
        null,
        'productpage.default',
        'client',
        'outbound',
      ],
      [
        '352bff9a74ca9ad2',
        '352bff9a74ca9ad20000000000000000',
        'reviews.default',
        'server',
        'inbound',
      ],
      [
        '6b221d5bc9e6496c0000000000000000',
        '352bff9a74ca9ad2',
        'reviews.default',
        'client',
        'outbound',
      ],
      [
        '6b221d5bc9e6496c',
        '6b221d5bc9e6496c0000000000000000',
        'ratings.default',
        'server',
        'inbound',
      ],
    ]);
    expect(trace.spans[0]).toEqual({
      traceId: Z1,
      spanId: '352bff9a74ca9ad20000000000000000',
      kind: 'client',
      service: 'productpage.default',
      name: 'reviews.default.svc.cluster.local:9080/*',
      startTimeUnixNano: '1772359201000000000',
      durationMicros: 21400,
      isProxy: true,
      proxyDirection: 'outbound',
      attributes: {
        component: 'proxy',
        'http.status_code': '200',
        'istio.canonical_service': 'productpage',
        'istio.namespace': 'default',
        node_id:
          'sidecar~10.244.1.7~productpage-v1-7d6cfb7dfd-5ltmh.default~default.svc.cluster.local',
        upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local',
      },
    });
  });

  it('maps app spans: remote service as peer.service, a local span without kind', () => {
    const [trace] = parseZipkinTraces([FIXTURE[1]]);
    expect(trace.traceId).toBe(Z2);
    expect(
      trace.spans.map(s => [
        s.spanId,
        s.parentSpanId ?? null,
        s.kind,
        s.isProxy,
      ]),
    ).toEqual([
      ['e457b5a2e4d86bd1', null, 'server', false],
      ['05e3ac9a4f6e3b90', 'e457b5a2e4d86bd1', 'client', false],
      ['7a1c2e9d0b3f4a55', 'e457b5a2e4d86bd1', 'unspecified', false],
    ]);
    expect(trace.spans[1].attributes).toEqual({
      'http.status_code': '503',
      'peer.service': 'ratings',
    });
  });

  it.each([
    ['an object instead of a list of traces', { traces: [] }, /expected array/],
    ['a span without an id', [[{ traceId: Z2 }]], /^0\.0\.id: /],
    [
      'a trace id that is not hex',
      [[{ traceId: 'trace-1', id: '05e3ac9a4f6e3b90' }]],
      /^0\.0: trace id 'trace-1'/,
    ],
  ])('rejects %s', (_name, doc, message) => {
    expect(() => parseZipkinTraces(doc)).toThrow(message);
  });
});

describe('ZipkinSource', () => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const serve = async (handler: FixtureHandler) => {
    server = await startFixtureServer(handler);
    return server;
  };

  it('queries each service over the window in milliseconds', async () => {
    const s = await serve(zipkin());
    const data = await new ZipkinSource(s.url).fetch({
      services: ['reviews.default', 'reviews', 'ratings.default'],
      ...WINDOW,
    });
    expect(data.traces.map(t => t.traceId)).toEqual([Z1, Z2]);
    expect(data.perService).toEqual({
      'reviews.default': 1,
      reviews: 1,
      'ratings.default': 0,
    });
    expect(data.problems).toEqual([]);
    expect(data.requests).toBe(3);
    expect(Object.fromEntries(s.requests[0].query)).toEqual({
      serviceName: 'reviews.default',
      endTs: '1772359500000',
      lookback: '1200000',
      limit: '20',
    });
  });

  it('keeps at most maxTracesPerService traces even when Zipkin answers more', async () => {
    const s = await serve(zipkin({ reviews: { body: FIXTURE } }));
    const data = await new ZipkinSource(s.url, {
      maxTracesPerService: 1,
    }).fetch({
      services: ['reviews'],
      ...WINDOW,
    });
    expect(s.requests[0].query.get('limit')).toBe('1');
    expect(data.perService).toEqual({ reviews: 1 });
    expect(data.traces.map(t => t.traceId)).toEqual([Z1]);
  });

  it.each<[string, FixtureResponse, RegExp]>([
    [
      'an HTML 500',
      {
        status: 500,
        body: '<!DOCTYPE html><html><body><h1>Whitelabel Error Page</h1></body></html>',
        contentType: 'text/html',
      },
      /^service "reviews": Zipkin at http:\/\/127\.0\.0\.1:\d+\/api\/v2\/traces\?serviceName=reviews&.* answered HTTP 500: <!DOCTYPE html><html><body><h1>Whitelabel Error Page/,
    ],
    [
      'a wrong shape',
      { body: { traces: [] } },
      /^service "reviews": Zipkin at .*\/api\/v2\/traces\?.* answered in an unexpected shape: Invalid input: expected array, received object$/,
    ],
  ])(
    'turns %s into a problem and keeps the other services',
    async (_name, answer, message) => {
      const s = await serve(zipkin({ reviews: answer }));
      const data = await new ZipkinSource(s.url).fetch({
        services: ['reviews', 'reviews.default'],
        ...WINDOW,
      });
      expect(data.problems).toEqual([expect.stringMatching(message)]);
      expect(data.perService).toEqual({ 'reviews.default': 1 });
    },
  );

  it('rejects the fetch when Zipkin is unreachable', async () => {
    const url = await unreachableUrl();
    await expect(
      new ZipkinSource(url).fetch({ services: ['reviews'], ...WINDOW }),
    ).rejects.toThrow(
      /^Zipkin at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED \(all 1 requests failed\)$/,
    );
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const s = await serve(() => ({ body: [], delayMs: 40 }));
    await new ZipkinSource(s.url, { concurrency: 4 }).fetch({
      services: Array.from({ length: 10 }, (_, i) => `svc-${i}`),
      ...WINDOW,
    });
    expect(s.requests).toHaveLength(10);
    expect(s.maxInFlight).toBe(4);
  });
});
