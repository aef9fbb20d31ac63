import {
  sortedTraces,
  T1,
  T2,
  TRACE_1,
  TRACE_2,
} from './__testUtils__/bookinfo';
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
import { TempoSource } from './TempoSource';

type Format = 'tempo-old' | 'tempo-new';

const TRACE_NOT_FOUND: FixtureResponse = {
  status: 404,
  body: 'trace not found',
  contentType: 'text/plain; charset=utf-8',
};

/** The service a `{ resource.service.name = "…" }` query asks for, unescaped. */
function queriedService(q: string | null): string | undefined {
  const m = /^\{ resource\.service\.name = "((?:[^"\\]|\\.)*)" \}$/.exec(
    q ?? '',
  );
  return m ? m[1].replace(/\\(.)/g, '$1') : undefined;
}

const search = fixtureJson('tempo-search-productpage.json') as {
  traces: Array<{ traceID: string }>;
  metrics: unknown;
};

/** Grafana Tempo answering from fixtures, in its older or newer JSON dialect. */
function tempo(
  format: Format,
  overrides: {
    search?: Record<string, FixtureResponse>;
    traces?: Record<string, FixtureResponse>;
  } = {},
): FixtureHandler {
  return req => {
    if (req.path === '/api/search') {
      const service = queriedService(req.query.get('q'));
      if (service === undefined) {
        return {
          status: 400,
          body: `invalid TraceQL query: parse error at line 1: ${req.query.get(
            'q',
          )}`,
        };
      }
      if (overrides.search?.[service]) return overrides.search[service];
      if (service === 'productpage.default') return { body: search };
      if (service === 'details.default') {
        return {
          body: { traces: [search.traces[1]], metrics: search.metrics },
        };
      }
      return { body: fixtureJson('tempo-search-empty.json') };
    }
    const m = /^\/api\/traces\/([0-9a-f]+)$/.exec(req.path);
    if (m) {
      const id = m[1].padStart(32, '0');
      if (overrides.traces?.[id]) return overrides.traces[id];
      if (id === T1) return { body: fixtureJson(`${format}/trace-T1.json`) };
      if (id === T2) return { body: fixtureJson(`${format}/trace-T2.json`) };
      return TRACE_NOT_FOUND;
    }
    return GO_NOT_FOUND;
  };
}

/** The `start`/`end` each trace download asked for, by trace id. */
function downloadRanges(s: FixtureServer): Record<string, unknown> {
  return Object.fromEntries(
    s.requests
      .filter(r => r.path.startsWith('/api/traces/'))
      .map(r => [r.path.split('/').pop(), Object.fromEntries(r.query)]),
  );
}

describe('TempoSource', () => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const serve = async (handler: FixtureHandler) => {
    server = await startFixtureServer(handler);
    return server;
  };

  it.each<[string, Format]>([
    [
      'Tempo < 2.5 (batches, instrumentationLibrarySpans, base64 ids, enum kinds)',
      'tempo-old',
    ],
    [
      'Tempo ≥ 2.6 (resourceSpans, scopeSpans, base64 ids, enum kinds)',
      'tempo-new',
    ],
  ])(
    'searches with TraceQL then downloads each hit once: %s',
    async (_name, format) => {
      const s = await serve(tempo(format));
      const data = await new TempoSource(s.url).fetch({
        services: ['productpage.default', 'details.default', 'ratings.default'],
        ...WINDOW,
      });

      expect(sortedTraces(data.traces)).toEqual(
        sortedTraces([TRACE_1, TRACE_2]),
      );
      expect(data.perService).toEqual({
        'productpage.default': 2,
        'details.default': 1,
        'ratings.default': 0,
      });
      expect(data.problems).toEqual([]);
      expect(data.requests).toBe(5);

      const first = s.requests.find(r => r.path === '/api/search')!;
      expect(Object.fromEntries(first.query)).toEqual({
        q: '{ resource.service.name = "productpage.default" }',
        start: '1772358300',
        end: '1772359500',
        limit: '20',
      });
      // The search answers T2's id with its leading zero trimmed; it is fetched padded, once.
      expect(
        s
          .paths()
          .filter(p => p.startsWith('/api/traces/'))
          .sort(),
      ).toEqual([`/api/traces/${T2}`, `/api/traces/${T1}`]);
      // Each download names the window, so Tempo reads only that range's blocks.
      expect(downloadRanges(s)).toEqual({
        [T1]: { start: '1772358300', end: '1772359500' },
        [T2]: { start: '1772358300', end: '1772359500' },
      });
    },
  );

  it('widens a download to the whole trace when its hit began before the window or ended after it', async () => {
    const windowStart = WINDOW.start.getTime() / 1000;
    const hits = [
      // Began ten minutes before the window and lasted 45 minutes.
      {
        traceID: T1,
        startTimeUnixNano: `${windowStart - 600}000000000`,
        durationMs: 2_700_000,
      },
      // A start time Tempo never writes is no reason to fail the search: the window.
      { traceID: T2, startTimeUnixNano: 'soon', durationMs: 5 },
    ];
    const s = await serve(
      tempo('tempo-new', {
        search: { 'productpage.default': { body: { traces: hits } } },
      }),
    );
    const data = await new TempoSource(s.url).fetch({
      services: ['productpage.default'],
      ...WINDOW,
    });
    expect(data.problems).toEqual([]);
    expect(data.perService).toEqual({ 'productpage.default': 2 });
    expect(downloadRanges(s)).toEqual({
      [T1]: { start: '1772357700', end: '1772360400' },
      [T2]: { start: '1772358300', end: '1772359500' },
    });
  });

  it('searches and downloads at least one second for a zero-length window', async () => {
    const s = await serve(
      tempo('tempo-new', {
        search: { 'details.default': { body: { traces: [{ traceID: T2 }] } } },
      }),
    );
    const at = new Date('2026-03-01T10:00:00.250Z');
    await new TempoSource(s.url).fetch({
      services: ['details.default'],
      start: at,
      end: at,
    });
    const second = { start: '1772359200', end: '1772359201' };
    const searched = s.requests.find(r => r.path === '/api/search')!;
    expect(searched.query.get('start')).toBe(second.start);
    expect(searched.query.get('end')).toBe(second.end);
    expect(downloadRanges(s)).toEqual({ [T2]: second });
  });

  it('escapes quotes and backslashes of a service name inside the TraceQL string', async () => {
    const s = await serve(tempo('tempo-new'));
    const name = 'we"ird\\name';
    const data = await new TempoSource(s.url).fetch({
      services: [name],
      ...WINDOW,
    });
    expect(data.problems).toEqual([]);
    expect(data.perService).toEqual({ [name]: 0 });
    expect(s.requests[0].query.get('q')).toBe(
      '{ resource.service.name = "we\\"ird\\\\name" }',
    );
  });

  it('downloads at most maxTracesPerService hits per service', async () => {
    const s = await serve(tempo('tempo-new'));
    const data = await new TempoSource(s.url, { maxTracesPerService: 1 }).fetch(
      {
        services: ['productpage.default'],
        ...WINDOW,
      },
    );
    expect(data.perService).toEqual({ 'productpage.default': 1 });
    expect(data.traces.map(t => t.traceId)).toEqual([T1]);
    expect(s.requests[0].query.get('limit')).toBe('1');
    expect(s.paths()).toEqual(['/api/search', `/api/traces/${T1}`]);
  });

  it('reports a trace that cannot be downloaded and keeps the others', async () => {
    const s = await serve(
      tempo('tempo-old', { traces: { [T2]: TRACE_NOT_FOUND } }),
    );
    const data = await new TempoSource(s.url).fetch({
      services: ['productpage.default'],
      ...WINDOW,
    });
    expect(data.traces.map(t => t.traceId)).toEqual([T1]);
    expect(data.perService).toEqual({ 'productpage.default': 1 });
    expect(data.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^service "productpage\\.default": trace ${T2}: Tempo at http://127\\.0\\.0\\.1:\\d+/api/traces/${T2}\\?start=1772358300&end=1772359500 answered HTTP 404: trace not found$`,
        ),
      ),
    ]);
  });

  it.each<[string, Parameters<typeof tempo>[1], RegExp]>([
    [
      'a search hit that is not a hex id',
      {
        search: {
          'productpage.default': { body: { traces: [{ traceID: 'not-hex' }] } },
        },
      },
      /^service "productpage\.default": Tempo at .*\/api\/search\?q=.* answered in an unexpected shape: traces\.0\.traceID: expected a hex trace id$/,
    ],
    [
      'a trace document with a bad span id',
      {
        traces: {
          [T1]: {
            body: {
              batches: [
                {
                  instrumentationLibrarySpans: [
                    {
                      spans: [
                        { traceId: 'S/kvNXezTaajzpKdDg5HNg==', spanId: '%%' },
                      ],
                    },
                  ],
                },
              ],
            },
          },
        },
      },
      new RegExp(
        `^service "productpage\\.default": trace ${T1}: Tempo at .*/api/traces/${T1}\\?start=1772358300&end=1772359500 answered in an unexpected shape: resourceSpans\\.0\\.scopeSpans\\.0\\.spans\\.0: span id '%%'`,
      ),
    ],
    [
      'an HTTP 500 with an HTML body on the search',
      {
        search: {
          'productpage.default': {
            status: 502,
            body: '<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>',
            contentType: 'text/html',
          },
        },
      },
      /^service "productpage\.default": Tempo at .*\/api\/search\?.* answered HTTP 502: <html><head><title>502 Bad Gateway/,
    ],
  ])('turns %s into a problem', async (_name, overrides, message) => {
    const s = await serve(tempo('tempo-new', overrides));
    const data = await new TempoSource(s.url).fetch({
      services: ['productpage.default', 'details.default'],
      ...WINDOW,
    });
    expect(data.problems).toEqual([expect.stringMatching(message)]);
    expect(data.perService['details.default']).toBe(1);
  });

  it('never has more than `concurrency` requests in flight, searches and downloads together', async () => {
    const hex = (n: number) => n.toString(16).padStart(32, '0');
    const s = await serve(req => {
      if (req.path === '/api/search') {
        const i = Number(queriedService(req.query.get('q'))!.slice(4));
        return {
          delayMs: 30,
          body: {
            traces: [{ traceID: hex(2 * i + 1) }, { traceID: hex(2 * i + 2) }],
          },
        };
      }
      const id = req.path.split('/').pop()!;
      return {
        delayMs: 30,
        body: {
          resourceSpans: [
            {
              resource: {
                attributes: [
                  { key: 'service.name', value: { stringValue: 'x' } },
                ],
              },
              scopeSpans: [
                {
                  scope: {},
                  spans: [
                    {
                      traceId: id,
                      spanId: 'AAAAAAAAAAE=',
                      kind: 'SPAN_KIND_SERVER',
                    },
                  ],
                },
              ],
            },
          ],
        },
      };
    });
    const services = Array.from({ length: 6 }, (_, i) => `svc-${i}`);
    const data = await new TempoSource(s.url, { concurrency: 2 }).fetch({
      services,
      ...WINDOW,
    });
    expect(data.problems).toEqual([]);
    expect(data.traces).toHaveLength(12);
    expect(s.requests).toHaveLength(18);
    expect(s.maxInFlight).toBe(2);
  });

  it('rejects the fetch when Tempo is unreachable', async () => {
    const url = await unreachableUrl();
    await expect(
      new TempoSource(url).fetch({ services: ['a', 'b'], ...WINDOW }),
    ).rejects.toThrow(
      /^Tempo at http:\/\/127\.0\.0\.1:\d+ is unreachable: ECONNREFUSED \(all 2 requests failed\)$/,
    );
  });
});
