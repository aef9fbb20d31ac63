import {
  EntityTraffic,
  RequestRate,
  SourceReportedRequest,
} from '@mesh-readiness/plugin-mesh-node';
import { buckets } from '../__testUtils__/fixtures';
import { calculateHealth, HealthInput, mergeInbound, pct } from './calculator';
import { DEFAULT_TOLERANCES, Tolerance } from './tolerances';

const LATENCY = buckets([10, 50], [100, 90], [Infinity, 100]);

function rows(
  codes: Record<string, number>,
  o: Partial<RequestRate> = {},
): RequestRate[] {
  return Object.entries(codes).map(([code, rate]) => ({
    reporter: 'destination',
    protocol: 'http',
    code,
    rate,
    ...o,
  }));
}

function grpcRows(statuses: Record<string, number>): RequestRate[] {
  return Object.entries(statuses).map(([grpcStatus, rate]) => ({
    reporter: 'destination',
    protocol: 'grpc',
    code: '200',
    grpcStatus,
    rate,
  }));
}

function traffic(o: Partial<EntityTraffic> = {}): EntityTraffic {
  return {
    inbound: [],
    sourceReported: [],
    outbound: [],
    latency: LATENCY,
    tcp: [],
    withSeries: ['prod/shop/checkout'],
    ...o,
  };
}

function health(t: EntityTraffic, o: Partial<HealthInput> = {}) {
  return calculateHealth({
    traffic: t,
    tolerances: DEFAULT_TOLERANCES,
    window: '5m',
    meshed: true,
    ambientOnly: false,
    ...o,
  });
}

/** `share` percent of 1000 req/s answered with `code`, the rest 200. */
const withShare = (code: string, share: number) =>
  rows({ '200': 1000 - share * 10, [code]: share * 10 });

describe('calculateHealth', () => {
  it("uses Kiali's default tolerances", () => {
    expect(DEFAULT_TOLERANCES).toEqual([
      { code: '5XX', failure: 10, protocol: 'http', direction: '.*' },
      {
        code: '4XX',
        degraded: 10,
        failure: 20,
        protocol: 'http',
        direction: '.*',
      },
      {
        code: '^[1-9]$|^1[0-6]$',
        failure: 10,
        protocol: 'grpc',
        direction: '.*',
      },
      { code: '-', failure: 10, protocol: 'http|grpc', direction: '.*' },
    ]);
  });

  // Both sides of every default threshold. 5XX, gRPC errors and no response leave
  // `degraded` unset: any share above zero is degraded.
  it.each([
    { code: '503', share: 0, status: 'healthy' },
    { code: '503', share: 0.1, status: 'degraded' },
    { code: '500', share: 9.9, status: 'degraded' },
    { code: '503', share: 10, status: 'failing' },
    { code: '404', share: 9.9, status: 'healthy' },
    { code: '404', share: 10, status: 'degraded' },
    { code: '429', share: 19.9, status: 'degraded' },
    { code: '403', share: 20, status: 'failing' },
    { code: '-', share: 0.1, status: 'degraded' },
    { code: '-', share: 9.9, status: 'degraded' },
    { code: '-', share: 10, status: 'failing' },
  ])('HTTP $code at $share% → $status', ({ code, share, status }) => {
    const h = health(traffic({ inbound: withShare(code, share) }));
    expect(h.status).toBe(status);
    expect(h.signal).toBe('l7');
    expect(h.requestsPerSecond).toBe(1000);
  });

  it.each([
    { share: 0, status: 'healthy' },
    { share: 0.1, status: 'degraded' },
    { share: 9.9, status: 'degraded' },
    { share: 10, status: 'failing' },
  ])('gRPC UNAVAILABLE at $share% of gRPC → $status', ({ share, status }) => {
    const h = health(
      traffic({
        inbound: grpcRows({ '0': 1000 - share * 10, '14': share * 10 }),
      }),
    );
    expect(h.status).toBe(status);
  });

  it('judges gRPC errors on gRPC traffic alone, not diluted by HTTP', () => {
    // 10% of the gRPC calls fail; they are 0.5% of all requests.
    const h = health(
      traffic({
        inbound: [...rows({ '200': 950 }), ...grpcRows({ '0': 45, '14': 5 })],
      }),
    );
    expect(h.status).toBe('failing');
    expect(h.reason).toContain('inbound gRPC');
    expect(h.reason).toContain('10%');
    expect(h.ratios).toContainEqual({
      direction: 'inbound',
      protocol: 'grpc',
      code: '^[1-9]$|^1[0-6]$',
      ratio: 0.1,
      status: 'failing',
    });
  });

  it('takes the worst of inbound and outbound', () => {
    const h = health(
      traffic({
        inbound: rows({ '200': 100 }),
        outbound: rows({ '200': 80, '503': 20 }, { reporter: 'source' }),
      }),
    );
    expect(h.status).toBe('failing');
    expect(h.reason).toBe(
      '5xx responses are 20% of outbound HTTP requests (failing at ≥ 10%)',
    );
    // The success rate and the rate are the service's own, inbound.
    expect(h.requestsPerSecond).toBe(100);
    expect(h.successRate).toBe(1);
  });

  it('counts the failures the callers’ proxies answered themselves', () => {
    const callerFailures: SourceReportedRequest[] = [
      {
        protocol: 'http',
        code: '200',
        responseFlags: '-',
        rate: 100,
        source: 'shop/web',
      },
      {
        protocol: 'http',
        code: '503',
        responseFlags: 'UH',
        rate: 30,
        source: 'shop/web',
        destinationService: 'shop/checkout',
      },
    ];
    const h = health(
      traffic({
        inbound: rows({ '200': 100 }),
        sourceReported: callerFailures,
      }),
    );
    expect(h.status).toBe('failing');
    expect(h.requestsPerSecond).toBe(130);
    expect(h.successRate).toBeCloseTo(100 / 130, 5);
    expect(h.responseFlags).toEqual({ UH: 30 });
  });

  it('merges the two reports by the higher rate per code, never adding them', () => {
    const merged = mergeInbound(
      traffic({
        inbound: rows({ '200': 100, '500': 2 }),
        sourceReported: [
          { protocol: 'http', code: '200', responseFlags: '-', rate: 98 },
          { protocol: 'http', code: '500', responseFlags: '-', rate: 3 },
        ],
      }),
    );
    expect(merged.map(r => [r.code, r.rate])).toEqual([
      ['200', 100],
      ['500', 3],
    ]);
  });

  it('reports L4 figures and unknown for ambient without a waypoint', () => {
    const h = health(
      traffic({
        tcp: [
          {
            security: 'mutual_tls',
            connectionsPerSecond: 3,
            receivedBytesPerSecond: 1000,
          },
          {
            security: 'unknown',
            connectionsPerSecond: 1,
            receivedBytesPerSecond: 10,
          },
        ],
      }),
      { ambientOnly: true },
    );
    expect(h.status).toBe('unknown');
    expect(h.signal).toBe('l4');
    expect(h.reason).toContain('ztunnel reports only L4');
    expect(h.reason).toContain('waypoint');
    expect(h.tcp).toEqual({
      connectionsPerSecond: 4,
      receivedBytesPerSecond: 1010,
      mtlsShare: 0.75,
    });
  });

  it.each([
    { meshed: true, reason: 'is Prometheus scraping their proxies?' },
    { meshed: false, reason: 'not meshed' },
  ])(
    'is unknown, never idle, with no series at all (meshed: $meshed)',
    ({ meshed, reason }) => {
      const h = health(traffic({ withSeries: [] }), { meshed });
      expect(h.status).toBe('unknown');
      expect(h.signal).toBe('none');
      expect(h.reason).toContain(reason);
    },
  );

  it('is idle when the series exist but carry no requests', () => {
    const h = health(traffic({ inbound: rows({ '200': 0 }), latency: [] }));
    expect(h).toMatchObject({
      status: 'idle',
      signal: 'l7',
      requestsPerSecond: 0,
      reason: 'no requests through the mesh in the last 5m',
    });
  });

  it('applies configured tolerances instead of the defaults', () => {
    const strict: Tolerance[] = [
      {
        code: '5XX',
        degraded: 1,
        failure: 5,
        protocol: 'http',
        direction: '.*',
      },
    ];
    expect(
      health(traffic({ inbound: withShare('503', 0.5) }), {
        tolerances: strict,
      }).status,
    ).toBe('healthy');
    expect(
      health(traffic({ inbound: withShare('503', 1) }), { tolerances: strict })
        .status,
    ).toBe('degraded');
    expect(
      health(traffic({ inbound: withShare('503', 4.9) }), {
        tolerances: strict,
      }).status,
    ).toBe('degraded');
    expect(
      health(traffic({ inbound: withShare('503', 5) }), { tolerances: strict })
        .status,
    ).toBe('failing');
  });

  it('is unknown with the reason when the tolerances could not be read', () => {
    const h = health(traffic({ inbound: rows({ '200': 10 }) }), {
      toleranceError:
        'The annotation servicemesh/health-rate is invalid: entry 1',
    });
    expect(h.status).toBe('unknown');
    expect(h.reason).toContain('servicemesh/health-rate is invalid');
  });

  it('computes latency quantiles from the merged buckets and rounds the figures', () => {
    const h = health(
      traffic({
        inbound: rows({ '200': 2.9, '503': 0.1 }),
        latency: buckets([10, 1], [20, 2], [Infinity, 3]),
      }),
    );
    expect(h.requestsPerSecond).toBe(3);
    expect(h.successRate).toBe(0.96667);
    expect(h.latencyMs).toEqual({ p50: 15, p95: 20, p99: 20 });
    expect(h.window).toBe('5m');
  });

  it('gives null latency when no buckets were reported', () => {
    const h = health(traffic({ inbound: rows({ '200': 5 }), latency: [] }));
    expect(h.status).toBe('healthy');
    expect(h.latencyMs).toEqual({ p50: null, p95: null, p99: null });
  });
});

describe('pct', () => {
  it.each([
    [0, '0%'],
    [0.1, '10%'],
    [0.12345, '12.35%'],
    [1, '100%'],
    [0.0005, '0.05%'],
  ])('%s → %s', (ratio, text) => {
    expect(pct(ratio)).toBe(text);
  });
});
