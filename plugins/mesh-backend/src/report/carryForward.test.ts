import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import {
  deploymentWithPods,
  entity,
  failedSource,
  metrics,
  namespace,
  snapshot,
  traffic,
  reportFor as reportWith,
} from '../__testUtils__/fixtures';
import { carryForward } from './carryForward';
import { goldenSignalsCheck } from '../checks/health/goldenSignals';
import { enrollmentCheck } from '../checks/mesh/enrollment';
import { metricsCheck } from '../checks/observability/metrics';

/**
 * These tests are about assembling a report (mapping, sources, staleness, scores), so
 * they run the first three built-in checks; each check has its own table tests.
 */
const ASSEMBLY_CHECKS = [enrollmentCheck, goldenSignalsCheck, metricsCheck];
const reportFor = (...args: Parameters<typeof reportWith>) =>
  reportWith(args[0], args[1], args[2], args[3], args[4] ?? ASSEMBLY_CHECKS);

const T1 = new Date('2026-03-01T10:00:00.000Z');
const T2 = new Date('2026-03-01T10:05:00.000Z');
const T3 = new Date('2026-03-01T10:10:00.000Z');

const checkout = entity('checkout', {
  'backstage.io/kubernetes-id': 'checkout',
});
const objects = () => [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 2,
    meshedPods: 2,
    templateLabels: {
      app: 'checkout',
      'backstage.io/kubernetes-id': 'checkout',
    },
  }),
];
const goodMetrics = () =>
  metrics({
    'shop/checkout': traffic({
      requestsPerSecond: 24,
      clientErrorsPerSecond: 0,
    }),
  });

const goodRun = (at: Date) =>
  carryForward(
    reportFor(
      checkout,
      [snapshot('prod', objects(), { metrics: goodMetrics() })],
      '5m',
      at,
    ),
    undefined,
  );

const check = (report: MeshReport, id: string) =>
  report.checks.find(c => c.id === id)!;

describe('carryForward', () => {
  it('marks a report whose sources all answered fresh, with lastGoodAt', () => {
    const fresh = reportFor(
      checkout,
      [snapshot('prod', objects(), { metrics: goodMetrics() })],
      '5m',
      T1,
    );
    const report = carryForward(fresh, undefined);
    expect(report.stale).toBe(false);
    expect(report.staleReason).toBeUndefined();
    expect(report.lastGoodAt).toBe(T1.toISOString());
    expect(report.checks).toEqual(fresh.checks);
  });

  it('lets a good run replace a previous stale report completely', () => {
    const previous: MeshReport = {
      ...goodRun(T1),
      stale: true,
      staleReason: 'old',
      lastGoodAt: 'x',
    };
    const report = carryForward(
      reportFor(
        checkout,
        [snapshot('prod', objects(), { metrics: goodMetrics() })],
        '5m',
        T2,
      ),
      previous,
    );
    expect(report.stale).toBe(false);
    expect(report.staleReason).toBeUndefined();
    expect(report.lastGoodAt).toBe(T2.toISOString());
  });

  describe('when Prometheus failed and a previous report exists', () => {
    const previous = goodRun(T1);
    const fresh = reportFor(
      checkout,
      [
        snapshot('prod', objects(), {
          prometheus: failedSource('connect ECONNREFUSED 127.0.0.1:9090'),
        }),
      ],
      '5m',
      T2,
    );
    const report = carryForward(fresh, previous);

    it('is stale, names the source and the cluster, and keeps the last good time', () => {
      expect(report.stale).toBe(true);
      expect(report.staleReason).toBe(
        "prometheus source of cluster 'prod' failed: connect ECONNREFUSED 127.0.0.1:9090",
      );
      expect(report.lastGoodAt).toBe(T1.toISOString());
      expect(report.generatedAt).toBe(T2.toISOString());
    });

    it('keeps the failed checks unknown, with the last known status beside them', () => {
      const golden = check(report, 'health.golden-signals');
      expect(golden.status).toBe('unknown');
      expect(golden.summary).toContain(
        "The prometheus source of cluster 'prod' failed",
      );
      expect(golden.evidence.lastKnown).toEqual({
        status: 'pass',
        summary: check(previous, 'health.golden-signals').summary,
        at: T1.toISOString(),
      });
    });

    it('leaves checks whose sources answered as they are', () => {
      expect(check(report, 'mesh.enrollment')).toEqual(
        check(fresh, 'mesh.enrollment'),
      );
      expect(check(report, 'mesh.enrollment').status).toBe('pass');
    });

    it('keeps the previous health figures, saying where they come from', () => {
      expect(report.health).toMatchObject({
        status: 'healthy',
        requestsPerSecond: 24,
        successRate: 1,
        latencyMs: previous.health.latencyMs,
      });
      expect(report.health.reason).toBe(
        `last good figures from ${T1.toISOString()}; prometheus source of cluster 'prod' failed: connect ECONNREFUSED 127.0.0.1:9090`,
      );
    });

    it('keeps the fresh workloads and mesh, which Kubernetes answered for', () => {
      expect(report.workloads).toEqual(fresh.workloads);
      expect(report.mesh).toEqual({ provider: 'istio', dataPlane: 'sidecar' });
    });

    it('scores the checks whose source failed on their last known status: an outage is not a regression', () => {
      // Fresh, the two Prometheus checks are unknown: 1 of 3 passed.
      expect(fresh.readiness).toMatchObject({ score: 33, passed: 1 });
      expect(report.readiness).toEqual(previous.readiness);
      expect(report.readiness).toMatchObject({
        score: 100,
        level: 'production-ready',
        passed: 3,
      });
    });

    it('still never counts an unknown without a last known status as passed', () => {
      const first = carryForward(fresh, undefined);
      expect(first.stale).toBe(true);
      expect(first.readiness).toEqual(fresh.readiness);
      expect(first.readiness.passed).toBe(1);
    });
  });

  it('carries the oldest last known status through several failed runs', () => {
    const failing = (at: Date) =>
      reportFor(
        checkout,
        [snapshot('prod', objects(), { prometheus: failedSource('timeout') })],
        '5m',
        at,
      );
    const first = goodRun(T1);
    const second = carryForward(failing(T2), first);
    const third = carryForward(failing(T3), second);
    expect(third.stale).toBe(true);
    expect(third.lastGoodAt).toBe(T1.toISOString());
    expect(
      check(third, 'health.golden-signals').evidence.lastKnown,
    ).toMatchObject({
      status: 'pass',
      at: T1.toISOString(),
    });
    expect(third.health.status).toBe('healthy');
    expect(third.health.reason).toContain(
      `last good figures from ${T1.toISOString()}`,
    );
  });

  it('gives no last known status when the previous one was unknown too', () => {
    const previous = carryForward(
      reportFor(
        checkout,
        [snapshot('prod', objects(), { prometheus: failedSource('timeout') })],
        '5m',
        T1,
      ),
      undefined,
    );
    const report = carryForward(
      reportFor(
        checkout,
        [snapshot('prod', objects(), { prometheus: failedSource('timeout') })],
        '5m',
        T2,
      ),
      previous,
    );
    expect(
      check(report, 'health.golden-signals').evidence.lastKnown,
    ).toBeUndefined();
    expect(report.health.status).toBe('unknown');
  });

  it('is stale with unknown checks when a source failed and there is no previous report', () => {
    const fresh = reportFor(
      checkout,
      [snapshot('prod', objects(), { prometheus: failedSource('timeout') })],
      '5m',
      T1,
    );
    const report = carryForward(fresh, undefined);
    expect(report.stale).toBe(true);
    expect(report.staleReason).toBe(
      "prometheus source of cluster 'prod' failed: timeout",
    );
    expect(report.lastGoodAt).toBeUndefined();
    expect(check(report, 'health.golden-signals').status).toBe('unknown');
    expect(
      check(report, 'health.golden-signals').evidence.lastKnown,
    ).toBeUndefined();
    expect(report.health.status).toBe('unknown');
  });

  describe('when Kubernetes failed and a previous report exists', () => {
    const previous = goodRun(T1);
    const fresh = reportFor(
      checkout,
      [
        snapshot('prod', [], {
          kubernetes: failedSource(
            'cannot read manifests directory /srv/k8s: ENOENT',
          ),
          metrics: goodMetrics(),
        }),
      ],
      '5m',
      T2,
    );
    const report = carryForward(fresh, previous);

    it('is stale and names the Kubernetes source', () => {
      expect(report.stale).toBe(true);
      expect(report.staleReason).toBe(
        "kubernetes source of cluster 'prod' failed: cannot read manifests directory /srv/k8s: ENOENT",
      );
      expect(report.lastGoodAt).toBe(T1.toISOString());
    });

    it('keeps every check unknown, with the last known status beside it', () => {
      for (const id of ['mesh.enrollment', 'health.golden-signals']) {
        const c = check(report, id);
        expect(c.status).toBe('unknown');
        expect(c.summary).toContain(
          "The kubernetes source of cluster 'prod' failed",
        );
        expect(c.evidence.lastKnown).toMatchObject({
          status: 'pass',
          at: T1.toISOString(),
        });
      }
    });

    it('keeps the previous workloads and mesh', () => {
      expect(report.workloads).toEqual(previous.workloads);
      expect(report.workloads).toHaveLength(1);
      expect(report.mesh).toEqual(previous.mesh);
    });

    it('keeps the links of the workloads it keeps; a fresh report’s own otherwise', () => {
      const links = [
        {
          tool: 'kiali' as const,
          title: 'Kiali: checkout (shop)',
          url: 'https://kiali.example.com/shop/checkout',
          cluster: 'prod',
          namespace: 'shop',
          workload: 'checkout',
        },
      ];
      expect(carryForward(fresh, { ...previous, links }).links).toEqual(links);
      // Only Prometheus failed: the workloads, and so the links, are the fresh ones.
      const metricsDown = reportFor(
        checkout,
        [snapshot('prod', objects(), { prometheus: failedSource('timeout') })],
        '5m',
        T2,
      );
      expect(
        carryForward(metricsDown, { ...previous, links }).links,
      ).toBeUndefined();
    });
  });

  it.each([
    ['meshed', 2, 'production-ready'],
    ['unmeshed', 0, 'not-meshed'],
  ])(
    'keeps the level of last known %s pods when Kubernetes fails',
    (_what, meshedPods, level) => {
      const pods = () => [
        namespace('shop'),
        ...deploymentWithPods('checkout', 'shop', {
          pods: 2,
          meshedPods,
          templateLabels: {
            app: 'checkout',
            'backstage.io/kubernetes-id': 'checkout',
          },
        }),
      ];
      const before = carryForward(
        reportFor(
          checkout,
          [snapshot('prod', pods(), { metrics: goodMetrics() })],
          '5m',
          T1,
        ),
        undefined,
      );
      const during = carryForward(
        reportFor(
          checkout,
          [
            snapshot('prod', [], {
              kubernetes: failedSource('connection refused'),
              metrics: goodMetrics(),
            }),
          ],
          '5m',
          T2,
        ),
        before,
      );
      expect(before.readiness.level).toBe(level);
      expect(during.readiness).toEqual(before.readiness);
    },
  );

  it('takes the level from the checks when no pods were ever known', () => {
    const report = carryForward(
      reportFor(
        checkout,
        [
          snapshot('prod', [], {
            kubernetes: failedSource('connection refused'),
            metrics: goodMetrics(),
          }),
        ],
        '5m',
        T2,
      ),
      undefined,
    );
    expect(report.readiness.level).toBe('not-ready');
  });

  it('names every failed source', () => {
    const fresh = reportFor(
      checkout,
      [
        snapshot('prod', objects(), { prometheus: failedSource('timeout') }),
        snapshot('dr', [], { kubernetes: failedSource('401 Unauthorized') }),
      ],
      '5m',
      T2,
    );
    const report = carryForward(fresh, goodRun(T1));
    expect(report.staleReason).toBe(
      "prometheus source of cluster 'prod' failed: timeout; kubernetes source of cluster 'dr' failed: 401 Unauthorized",
    );
  });
});

describe('carryForward: what it must not bring back', () => {
  const promDown = failedSource('connect ECONNREFUSED 127.0.0.1:9090');

  it('is stale for a partial source only when a check had to wait for that source', () => {
    const previous = goodRun(T1);
    const fresh = goodRun(T2);
    const withPartial = (name: 'tracing' | 'kubernetes'): MeshReport => ({
      ...fresh,
      sources: [
        ...fresh.sources,
        {
          name,
          cluster: 'prod',
          ok: true,
          partial: true,
          error: `2 part(s) of ${name} skipped`,
          fetchedAt: T2.toISOString(),
        },
      ],
      // A check left unknown for another source (here: no Prometheus).
      checks: fresh.checks.map(c =>
        c.id === 'health.golden-signals'
          ? {
              ...c,
              status: 'unknown',
              evidence: { missingSource: 'prometheus' },
            }
          : c,
      ),
    });
    expect(carryForward(withPartial('tracing'), previous).stale).toBe(false);
    const gatedByKubernetes = withPartial('kubernetes');
    gatedByKubernetes.checks = gatedByKubernetes.checks.map(c =>
      c.id === 'mesh.enrollment'
        ? { ...c, status: 'unknown', evidence: { missingSource: 'kubernetes' } }
        : c,
    );
    const stale = carryForward(gatedByKubernetes, previous);
    expect(stale.stale).toBe(true);
    expect(stale.staleReason).toContain('2 part(s) of kubernetes skipped');
  });

  it('does not bring back removed workloads when only Prometheus failed', () => {
    const previous = goodRun(T1);
    expect(previous.workloads).toHaveLength(1);
    // The Deployment was deleted; Kubernetes answered, Prometheus did not.
    const fresh = reportFor(
      checkout,
      [snapshot('prod', [namespace('shop')], { prometheus: promDown })],
      '5m',
      T2,
    );
    const report = carryForward(fresh, previous);
    expect(report.stale).toBe(true);
    expect(report.workloads).toEqual([]);
  });

  it('does not claim last good figures when the previous report had none', () => {
    // The first run already had Prometheus down: health unknown, no figures.
    const first = carryForward(
      reportFor(
        checkout,
        [snapshot('prod', objects(), { prometheus: promDown })],
        '5m',
        T1,
      ),
      undefined,
    );
    expect(first.health.status).toBe('unknown');
    const second = carryForward(
      reportFor(
        checkout,
        [snapshot('prod', objects(), { prometheus: promDown })],
        '5m',
        T2,
      ),
      first,
    );
    expect(second.health.status).toBe('unknown');
    expect(second.health.requestsPerSecond).toBeNull();
    expect(second.health.reason).not.toContain('last good figures');
  });
});
