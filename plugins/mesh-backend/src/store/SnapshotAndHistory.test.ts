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

const HEALTH = {
  requestsPerSecond: 1,
  successRate: 1,
  latencyMs: { p50: 1, p95: 2, p99: 3 },
};

function report(
  entityRef: string,
  generatedAt: string,
  statuses: Record<string, MeshReport['checks'][number]['status']>,
  health: Partial<MeshReport['health']> = {},
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
    health: { status: 'healthy', ...HEALTH, ...health },
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
        ...report(
          'component:default/cart',
          '2026-11-20T09:00:00.000Z',
          { 'mesh.enrollment': 'pass', 'health.golden-signals': 'unknown' },
          {
            status: 'unknown',
            requestsPerSecond: null,
            successRate: null,
            latencyMs: { p50: null, p95: null, p99: null },
          },
        ),
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
        // The good run's figures, not the outage's nulls.
        health: HEALTH,
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
      report(
        'component:default/web',
        '2026-11-24T20:00:00.000Z',
        { 'mesh.enrollment': 'warn', 'health.golden-signals': 'pass' },
        {
          status: 'degraded',
          requestsPerSecond: 12.5,
          successRate: 0.9731,
          latencyMs: { p50: 4.2, p95: 48, p99: null },
          reason: 'not kept',
        },
      ),
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
        level: 'almost-ready',
        statuses: {
          'mesh.enrollment': 'warn',
          'health.golden-signals': 'pass',
        },
        // The day's latest figures, only the golden signals.
        health: {
          requestsPerSecond: 12.5,
          successRate: 0.9731,
          latencyMs: { p50: 4.2, p95: 48, p99: null },
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
        health: HEALTH,
      },
    ]);
    expect(
      await stores.history.get('component:default/web', '2026-11-25'),
    ).toHaveLength(1);
  });

  it('reads many entities’ points in one query, by lower-cased ref (rollout windows)', async () => {
    await stores.history.record([
      report('component:default/r-web', '2026-11-24T08:00:00.000Z', {
        'mesh.enrollment': 'fail',
      }),
      report('component:default/r-web', '2026-11-25T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
      }),
      report('component:default/r-api', '2026-11-20T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
      }),
      report('component:default/r-other', '2026-11-25T08:00:00.000Z', {
        'mesh.enrollment': 'pass',
      }),
    ]);
    const few = await stores.history.getMany(
      ['Component:default/R-Web', 'component:default/r-api'],
      '2026-11-21',
    );
    expect([...few.keys()]).toEqual(['component:default/r-web']);
    expect(few.get('component:default/r-web')!.map(p => p.day)).toEqual([
      '2026-11-24',
      '2026-11-25',
    ]);
    expect(few.get('component:default/r-web')![1].health).toEqual(HEALTH);
    // A fleet-sized list reads the day range whole and keeps only its entities.
    const many = await stores.history.getMany(
      [
        'component:default/r-web',
        ...Array.from({ length: 300 }, (_, i) => `component:default/x${i}`),
      ],
      '2026-11-21',
    );
    expect([...many.keys()]).toEqual(['component:default/r-web']);
    expect(await stores.history.getMany([], '2026-11-21')).toEqual(new Map());
  });

  it('reads a point recorded before the figures were kept without them', async () => {
    await db.knex('mesh_history').insert({
      entity_ref: 'component:default/legacy',
      day: '2026-11-01',
      score: 80,
      level: 'almost-ready',
      statuses: JSON.stringify({ 'mesh.enrollment': 'pass' }),
    });
    expect(
      await stores.history.get('component:default/legacy', '2026-10-01'),
    ).toEqual([
      {
        day: '2026-11-01',
        score: 80,
        level: 'almost-ready',
        statuses: { 'mesh.enrollment': 'pass' },
      },
    ]);
    const many = await stores.history.getMany(
      ['component:default/legacy'],
      '2026-10-01',
    );
    expect(many.get('component:default/legacy')![0].health).toBeUndefined();
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

  describe('the fleet’s daily point', () => {
    beforeEach(async () => {
      await db.knex('mesh_scorecard').delete();
      await db.knex('mesh_history_rollups').delete();
    });

    /** A report with `meshed` of `total` workloads meshed. */
    const fleetReport = (
      name: string,
      statuses: Record<string, MeshReport['checks'][number]['status']>,
      meshed: number,
      total: number,
    ): MeshReport => ({
      ...report(
        `component:default/${name}`,
        '2026-11-25T10:00:00.000Z',
        statuses,
      ),
      workloads: Array.from({ length: total }, (_, i) => ({
        cluster: 'eu',
        namespace: 'shop',
        kind: 'Deployment',
        name: `${name}-${i}`,
        pods: 1,
        meshedPods: i < meshed ? 1 : 0,
        proxyVersions: [],
      })),
    });

    it('records nothing while the scorecard is empty', async () => {
      await stores.history.recordFleet('2026-11-24');
      expect(await stores.history.getFleet('2026-01-01')).toEqual([]);
    });

    it('records the whole fleet’s day from the scorecard, and the day’s latest run wins', async () => {
      await stores.reports.saveReports([
        fleetReport('a', { 'mesh.enrollment': 'pass' }, 2, 2),
        fleetReport('b', { 'mesh.enrollment': 'pass' }, 1, 1),
        fleetReport('c', { 'mesh.enrollment': 'fail' }, 0, 3),
      ]);
      await stores.history.recordFleet('2026-11-24');
      // Later that day c is meshed and a fourth entity appears.
      await stores.reports.saveReports([
        fleetReport('c', { 'mesh.enrollment': 'warn' }, 3, 3),
        fleetReport('d', { 'mesh.enrollment': 'fail' }, 0, 1),
      ]);
      await stores.history.recordFleet('2026-11-25');
      await stores.reports.saveReports([
        fleetReport('d', { 'mesh.enrollment': 'pass' }, 1, 1),
      ]);
      await stores.history.recordFleet('2026-11-25');

      expect(await stores.history.getFleet('2026-11-01')).toEqual([
        {
          day: '2026-11-24',
          entities: 3,
          // (100 + 100 + 0) / 3
          averageScore: 66.7,
          levels: { 'production-ready': 0.667, 'not-ready': 0.333 },
          meshedWorkloads: 3,
          workloads: 6,
        },
        {
          day: '2026-11-25',
          entities: 4,
          // (100 + 100 + 50 + 100) / 4
          averageScore: 87.5,
          levels: { 'production-ready': 0.75, 'not-ready': 0.25 },
          meshedWorkloads: 7,
          workloads: 7,
        },
      ]);
      expect(
        (await stores.history.getFleet('2026-11-25')).map(p => p.day),
      ).toEqual(['2026-11-25']);
      // The fleet is no roll-up key: the roll-ups' own trends do not list it.
      expect(await stores.history.getRollup('group', '', '2026-01-01')).toEqual(
        [],
      );
    });

    it('prunes the fleet’s points with the rest', async () => {
      await stores.reports.saveReports([
        fleetReport('p', { 'mesh.enrollment': 'pass' }, 1, 1),
      ]);
      await stores.history.recordFleet('2026-08-01');
      await stores.history.recordFleet('2026-11-25');
      await stores.history.prune('2026-11-25', 30);
      expect(
        (await stores.history.getFleet('2026-01-01')).map(p => p.day),
      ).not.toContain('2026-08-01');
      expect(
        (await stores.history.getFleet('2026-01-01')).map(p => p.day),
      ).toContain('2026-11-25');
    });
  });
});
