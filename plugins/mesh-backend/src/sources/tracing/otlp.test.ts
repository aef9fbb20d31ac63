import {
  sortedTraces,
  TRACE_1,
  TRACE_2,
  TRACE_3,
  T1,
} from './__testUtils__/bookinfo';
import { fixtureJson } from './__testUtils__/fixtureServer';
import { TRACE_AMBIENT, TRACE_LINKERD } from './__testUtils__/meshAttribution';
import { parseOtlpDocuments, parseOtlpTraces } from './otlp';

describe('parseOtlpTraces', () => {
  it.each([
    [
      'Tempo < 2.5: batches, instrumentationLibrarySpans, base64 ids, enum kinds',
      'tempo-old',
    ],
    [
      'Tempo ≥ 2.6: resourceSpans, scopeSpans, base64 ids, enum kinds',
      'tempo-new',
    ],
  ])('reads %s', (_name, dir) => {
    const traces = [
      ...parseOtlpTraces(fixtureJson(`${dir}/trace-T1.json`)),
      ...parseOtlpTraces(fixtureJson(`${dir}/trace-T2.json`)),
    ];
    expect(sortedTraces(traces)).toEqual(sortedTraces([TRACE_1, TRACE_2]));
  });

  it('reads Jaeger api_v3 {"result": …} with hex ids and integer kinds, one trace per id', () => {
    const traces = parseOtlpTraces(
      fixtureJson('jaeger-v3-traces-productpage.json'),
    );
    expect(traces.map(t => t.traceId)).toEqual([
      TRACE_1.traceId,
      TRACE_2.traceId,
    ]);
    expect(sortedTraces(traces)).toEqual(sortedTraces([TRACE_1, TRACE_2]));
  });

  it('turns a link standing in for a missing parent into a FOLLOWS_FROM parent', () => {
    const [trace] = parseOtlpTraces(
      fixtureJson('jaeger-v3-traces-orders.json'),
    );
    expect(sortedTraces([trace])).toEqual(sortedTraces([TRACE_3]));
  });

  it('marks a span linked only to another trace as following from something, with no parent', () => {
    const [trace] = parseOtlpTraces({
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: 'billing' } },
            ],
          },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: T1,
                  spanId: '00000000000000aa',
                  kind: 5,
                  name: 'batch receive',
                  links: [
                    {
                      traceId: '11111111111111111111111111111111',
                      spanId: '2222222222222222',
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(trace.spans[0]).toEqual(
      expect.objectContaining({ kind: 'consumer', followsFrom: true }),
    );
    expect(trace.spans[0].parentSpanId).toBeUndefined();
  });

  it('reads the Tempo /api/v2/traces {"trace": …} wrapper', () => {
    const traces = parseOtlpTraces({
      trace: fixtureJson('tempo-new/trace-T1.json'),
      status: 'COMPLETE',
    });
    expect(sortedTraces(traces)).toEqual(sortedTraces([TRACE_1]));
  });

  it('reads an ambient waypoint span and Linkerd proxy spans around an app span', () => {
    const traces = parseOtlpTraces(fixtureJson('otlp-ambient-linkerd.json'));
    const spans = traces.flatMap(t => t.spans);
    const summary = spans.map(s => [
      s.service,
      s.kind,
      s.isProxy,
      s.proxyDirection ?? null,
      s.parentSpanId ?? null,
    ]);
    expect(summary).toEqual([
      ['waypoint.bookinfo', 'server', true, 'inbound', null],
      ['linkerd-proxy', 'server', true, 'inbound', '1000000000000001'],
      ['linkerd-proxy', 'client', true, 'outbound', '1000000000000003'],
      ['voting', 'server', false, null, '1000000000000002'],
    ]);
    expect(traces).toHaveLength(2);
    // Attributes included: the waypoint's peers, the proxy's pod labels, the app's pod.
    expect(sortedTraces(traces)).toEqual(
      sortedTraces([TRACE_AMBIENT, TRACE_LINKERD]),
    );
  });

  it('merges documents of one answer split in chunks (NDJSON) by trace id', () => {
    const chunk = (spanId: string) => ({
      result: {
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: 'web' } },
              ],
            },
            scopeSpans: [
              { scope: {}, spans: [{ traceId: T1, spanId, kind: 2 }] },
            ],
          },
        ],
      },
    });
    const traces = parseOtlpDocuments([
      chunk('0000000000000001'),
      chunk('0000000000000002'),
    ]);
    expect(traces).toHaveLength(1);
    expect(traces[0].spans.map(s => s.spanId)).toEqual([
      '0000000000000001',
      '0000000000000002',
    ]);
  });

  it('names the service unknown_service when the resource has none, and tolerates missing times', () => {
    const [trace] = parseOtlpTraces({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ traceId: T1, spanId: '0000000000000001' }] },
          ],
        },
      ],
    });
    expect(trace.spans[0]).toEqual({
      traceId: T1,
      spanId: '0000000000000001',
      kind: 'unspecified',
      service: 'unknown_service',
      name: '',
      isProxy: false,
      attributes: {},
    });
  });

  it('reads an empty document as no traces', () => {
    expect(parseOtlpTraces({})).toEqual([]);
    expect(parseOtlpTraces({ result: {} })).toEqual([]);
  });

  it.each([
    [
      'spans that are not a list',
      { resourceSpans: [{ scopeSpans: [{ spans: 'oops' }] }] },
      /resourceSpans\.0\.scopeSpans\.0\.spans/,
    ],
    [
      'a span without an id',
      { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: T1 }] }] }] },
      /spanId/,
    ],
    [
      'an id that is neither hex nor base64',
      {
        batches: [
          {
            instrumentationLibrarySpans: [
              { spans: [{ traceId: T1, spanId: 'not an id!' }] },
            ],
          },
        ],
      },
      /resourceSpans\.0\.scopeSpans\.0\.spans\.0: span id 'not an id!'/,
    ],
    [
      'a Jaeger v1 answer',
      { data: [] },
      /no resourceSpans or batches \(keys: data\)/,
    ],
    ['a list', [], /expected an object/],
  ])('rejects %s with a message saying where', (_name, doc, message) => {
    expect(() => parseOtlpTraces(doc)).toThrow(message);
  });
});
