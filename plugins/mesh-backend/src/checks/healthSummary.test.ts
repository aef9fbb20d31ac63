import { buckets, traffic } from '../__testUtils__/fixtures';
import { HEALTH_TOLERANCES, pct, summarizeHealth } from './healthSummary';

describe('summarizeHealth', () => {
  it('uses the Kiali default tolerances of landscape.md §6', () => {
    expect(HEALTH_TOLERANCES).toEqual({
      serverErrorFailing: 0.1,
      clientErrorDegraded: 0.1,
      clientErrorFailing: 0.2,
    });
  });

  // Error shares in percent of 100 req/s; the status by Kiali's tolerances
  // (5XX failure ≥ 10%; 4XX degraded ≥ 10%, failure ≥ 20%; the worst wins).
  it.each([
    {
      s5xx: 0,
      s4xx: 0,
      status: 'healthy',
      reason: "within Kiali's default tolerances",
    },
    {
      s5xx: 0,
      s4xx: 9.9,
      status: 'healthy',
      reason: "within Kiali's default tolerances",
    },
    {
      s5xx: 0,
      s4xx: 10,
      status: 'degraded',
      reason: '4xx responses are 10% of requests (degraded at ≥ 10%)',
    },
    {
      s5xx: 0,
      s4xx: 19.9,
      status: 'degraded',
      reason: '4xx responses are 19.9% of requests (degraded at ≥ 10%)',
    },
    {
      s5xx: 0,
      s4xx: 20,
      status: 'failing',
      reason: '4xx responses are 20% of requests (failing at ≥ 20%)',
    },
    {
      s5xx: 10,
      s4xx: 0,
      status: 'failing',
      reason: '5xx and failed responses are 10% of requests (failing at ≥ 10%)',
    },
    {
      s5xx: 35,
      s4xx: 0,
      status: 'failing',
      reason: '5xx and failed responses are 35% of requests',
    },
    {
      s5xx: 12,
      s4xx: 15,
      status: 'failing',
      reason: '5xx and failed responses are 12%',
    },
    {
      s5xx: 10,
      s4xx: 25,
      status: 'failing',
      reason: '5xx and failed responses are 10%',
    },
  ])(
    '5xx $s5xx% and 4xx $s4xx% → $status',
    ({ s5xx, s4xx, status, reason }) => {
      const health = summarizeHealth(
        [
          traffic({
            requestsPerSecond: 100,
            serverErrorsPerSecond: s5xx,
            clientErrorsPerSecond: s4xx,
          }),
        ],
        '5m',
      );
      expect(health.status).toBe(status);
      expect(health.reason).toContain(reason);
      expect(health.successRate).toBeCloseTo(1 - s5xx / 100, 5);
      expect(health.errorRates?.clientErrors).toBeCloseTo(s4xx / 100, 5);
      expect(health.errorRates?.serverErrors).toBeCloseTo(s5xx / 100, 5);
    },
  );

  it('adds the traffic of several workloads before judging', () => {
    // The share is of the summed traffic: 20 4xx answers are all of `a`'s requests, 20%
    // of `a` and `b` together, and 2% of `a` and `c` together.
    const a = traffic({ requestsPerSecond: 20, clientErrorsPerSecond: 20 });
    const b = traffic({ requestsPerSecond: 80 });
    const c = traffic({ requestsPerSecond: 990 });
    expect(summarizeHealth([a], '5m').status).toBe('failing');
    const ab = summarizeHealth([a, b], '5m');
    expect(ab.requestsPerSecond).toBe(100);
    expect(ab.errorRates?.clientErrors).toBeCloseTo(0.2, 5);
    expect(ab.status).toBe('failing');
    const ac = summarizeHealth([a, c], '5m');
    expect(ac.requestsPerSecond).toBe(1010);
    expect(ac.status).toBe('healthy');
  });

  it('counts 5xx against the success rate, and 4xx not', () => {
    const health = summarizeHealth(
      [
        traffic({
          requestsPerSecond: 50,
          serverErrorsPerSecond: 10,
          clientErrorsPerSecond: 5,
        }),
      ],
      '5m',
    );
    expect(health.successRate).toBe(0.8);
  });

  it('computes latency quantiles from the summed buckets, not by averaging', () => {
    const fast = traffic({
      requestsPerSecond: 10,
      latencyBuckets: buckets([10, 9], [100, 10], [Infinity, 10]),
    });
    const slow = traffic({
      requestsPerSecond: 10,
      latencyBuckets: buckets([10, 0], [100, 9], [Infinity, 10]),
    });
    const health = summarizeHealth([fast, slow], '5m');
    // merged: le10 → 9, le100 → 19, +Inf → 20. p50: rank 10 → 10 + 90 × 1/10 = 19.
    expect(health.latencyMs.p50).toBe(19);
    // p95: rank 19 → exactly the le=100 bound. p99: rank 19.8 → +Inf bucket → 100.
    expect(health.latencyMs.p95).toBe(100);
    expect(health.latencyMs.p99).toBe(100);
  });

  it('rounds the figures it reports', () => {
    const health = summarizeHealth(
      [
        traffic({
          requestsPerSecond: 3,
          serverErrorsPerSecond: 0.1,
          latencyBuckets: buckets([10, 1], [20, 2], [Infinity, 3]),
        }),
      ],
      '5m',
    );
    expect(health.requestsPerSecond).toBe(3);
    expect(health.successRate).toBe(0.96667);
    expect(health.latencyMs.p50).toBe(15);
    expect(health.latencyMs.p95).toBe(20);
  });

  it('gives null latency when no buckets were reported', () => {
    const health = summarizeHealth(
      [traffic({ requestsPerSecond: 5, latencyBuckets: [] })],
      '5m',
    );
    expect(health.status).toBe('healthy');
    expect(health.latencyMs).toEqual({ p50: null, p95: null, p99: null });
  });

  it.each([
    ['no traffic series at all', [], null],
    [
      'series with zero requests',
      [traffic({ requestsPerSecond: 0, latencyBuckets: [] })],
      0,
    ],
  ])('is idle with %s', (_why, t, rps) => {
    const health = summarizeHealth(t, '10m');
    expect(health).toEqual({
      status: 'idle',
      requestsPerSecond: rps,
      successRate: null,
      latencyMs: { p50: null, p95: null, p99: null },
      errorRates: { clientErrors: null, serverErrors: null },
      window: '10m',
      reason: 'no requests through the mesh in the last 10m',
    });
  });

  it('records the window it covers', () => {
    expect(summarizeHealth([traffic()], '15m').window).toBe('15m');
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
