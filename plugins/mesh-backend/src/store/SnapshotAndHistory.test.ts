import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import {
  computeReadiness,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';
import { gzipSync } from 'node:zlib';
import { buckets, metrics, traffic } from '../__testUtils__/fixtures';
import { histogramQuantile } from '../health/histogram';
import { buildKubernetesFacts } from '../snapshot/kubernetesFacts';
import { MeshStores, openStores } from '.';

function snapshot(cluster: string, pods: number): ClusterSnapshot {
  const objects = Array.from({ length: pods }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `web-${i}`,
      namespace: 'shop',
      labels: { app: 'web' },
      annotations: {
        'sidecar.istio.io/status': '{"containers":["istio-proxy"]}',
      },
    },
    spec: {
      containers: [
        { name: 'web' },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.1' },
      ],
    },
  }));
  const fetchedAt = '2026-11-25T10:00:00.000Z';
  return {
    cluster,
    kubernetes: {
      name: 'kubernetes',
      configured: true,
      ok: true,
      fetchedAt,
      data: buildKubernetesFacts(objects),
    },
    prometheus: {
      name: 'prometheus',
      configured: true,
      ok: false,
      error: 'Prometheus at http://prom:9090 is unreachable: ECONNREFUSED',
      fetchedAt,
      lastGoodAt: '2026-11-25T09:55:00.000Z',
      data: metrics({
        'shop/app-0': traffic({
          latencyBuckets: buckets([10, 5], [100, 9], [Infinity, 10]),
        }),
      }),
    },
    tracing: {
      name: 'tracing',
      configured: false,
      ok: false,
      fetchedAt,
    },
  };
}

function report(
  entityRef: string,
  generatedAt: string,
  statuses: Record<string, MeshReport['checks'][number]['status']>,
): MeshReport {
  const checks = Object.entries(statuses).map(([id, status]) => ({
    id,
    title: id,
    category: 'mesh',
    status,
    summary: `${id} is ${status}`,
    evidence: {},
  }));
  return {
    entityRef,
    generatedAt,
    stale: false,
    mesh: { provider: 'istio', dataPlane: 'sidecar' },
    workloads: [],
    health: {
      status: 'healthy',
      requestsPerSecond: 1,
      successRate: 1,
      latencyMs: { p50: 1, p95: 2, p99: 3 },
    },
    checks,
    readiness: computeReadiness(checks),
    sources: [],
  };
}

describe.each(TEST_DATABASES)('snapshots and history on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: MeshStores;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    stores = await openStores(db.knex);
  }, 30_000);

  afterAll(async () => {
    await db?.dispose();
  });

  it('stores the latest snapshot per cluster and reads it back exactly', async () => {
    await stores.snapshots.save(snapshot('eu', 2));
    await stores.snapshots.save(snapshot('eu', 3000));
    await stores.snapshots.save(snapshot('us', 1));
    const loaded = await stores.snapshots.load(['eu', 'us', 'never-collected']);
    expect([...loaded.keys()].sort()).toEqual(['eu', 'us']);
    expect(loaded.get('eu')).toEqual(snapshot('eu', 3000));
    expect(loaded.get('eu')!.kubernetes.data!.workloads).toHaveLength(3000);
  });

  it('keeps the +Inf latency bucket, so quantiles rebuilt from a stored snapshot are numbers', async () => {
    await stores.snapshots.save(snapshot('inf', 1));
    const loaded = (await stores.snapshots.load(['inf'])).get('inf')!;
    const [latency] = loaded.prometheus.data!.series.istioLatency['shop/app-0'];
    expect(latency.buckets.map(b => b.le)).toEqual([10, 100, Infinity]);
    expect(histogramQuantile(0.99, latency.buckets)).toBe(100);
  });

  it('skips a snapshot stored in another format: the next run replaces it', async () => {
    await db.knex('mesh_snapshots').insert({
      cluster: 'old',
      snapshot: gzipSync(Buffer.from(JSON.stringify(snapshot('old', 1)))),
      fetched_at: '2026-11-25T10:00:00.000Z',
      updated_at: db.knex.fn.now(),
    });
    expect((await stores.snapshots.load(['old'])).has('old')).toBe(false);
  });

  it('records no point from a stale report: the day keeps what the last good run said', async () => {
    await stores.history.record([
      report('component:default/cart', '2026-11-20T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
        'health.golden-signals': 'pass',
      }),
    ]);
    await stores.history.record([
      {
        ...report('component:default/cart', '2026-11-20T09:00:00.000Z', {
          'mesh.enrollment': 'pass',
          'health.golden-signals': 'unknown',
        }),
        stale: true,
        staleReason: "prometheus source of cluster 'eu' failed",
      },
    ]);
    expect(
      await stores.history.get('component:default/cart', '2026-11-01'),
    ).toEqual([
      {
        day: '2026-11-20',
        score: 100,
        level: 'production-ready',
        statuses: {
          'mesh.enrollment': 'pass',
          'health.golden-signals': 'pass',
        },
      },
    ]);
  });

  it('keeps one point per entity per day, the day’s latest', async () => {
    await stores.history.record([
      report('component:default/web', '2026-11-24T08:00:00.000Z', {
        'mesh.enrollment': 'fail',
        'health.golden-signals': 'pass',
      }),
      report('component:default/api', '2026-11-24T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
      }),
    ]);
    await stores.history.record([
      report('component:default/web', '2026-11-24T20:00:00.000Z', {
        'mesh.enrollment': 'warn',
        'health.golden-signals': 'pass',
      }),
    ]);
    await stores.history.record([
      report('Component:default/Web', '2026-11-25T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
        'health.golden-signals': 'pass',
      }),
    ]);
    const points = await stores.history.get(
      'component:default/web',
      '2026-11-01',
    );
    expect(points).toEqual([
      {
        day: '2026-11-24',
        score: 75,
        level: 'nearly-ready',
        statuses: {
          'mesh.enrollment': 'warn',
          'health.golden-signals': 'pass',
        },
      },
      {
        day: '2026-11-25',
        score: 100,
        level: 'production-ready',
        statuses: {
          'mesh.enrollment': 'pass',
          'health.golden-signals': 'pass',
        },
      },
    ]);
    expect(
      await stores.history.get('component:default/web', '2026-11-25'),
    ).toHaveLength(1);
  });

  it('prunes points older than the retention', async () => {
    await stores.history.record([
      report('component:default/old', '2026-08-01T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
      }),
      report('component:default/old', '2026-10-26T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
      }),
    ]);
    const removed = await stores.history.prune('2026-11-25', 30);
    expect(removed).toBe(1);
    expect(
      (await stores.history.get('component:default/old', '2026-01-01')).map(
        p => p.day,
      ),
    ).toEqual(['2026-10-26']);
  });
});
