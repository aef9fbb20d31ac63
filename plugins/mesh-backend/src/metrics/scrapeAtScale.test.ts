import {
  CHECK_IDS,
  CheckStatus,
  MeshReport,
  ReadinessLevel,
} from '@mesh-readiness/plugin-mesh-common';
import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { performance } from 'node:perf_hooks';
import { MeshStores, openStores } from '../store';
import { ScorecardEntityInfo } from '../store/ScorecardStore';
import { parseExposition } from './__testUtils__/exposition';
import { createMeshMetrics } from './registry';

const ENTITIES = 5_000;
const CHECKS: string[] = Object.values(CHECK_IDS);
const STATUSES: CheckStatus[] = ['pass', 'pass', 'warn', 'fail', 'unknown'];
const LEVELS: ReadinessLevel[] = [
  'production-ready',
  'almost-ready',
  'not-ready',
  'not-meshed',
];

/** A fleet's reports as a collection stores them: every check, a workload each. */
function fleet(n: number): {
  reports: MeshReport[];
  infos: Map<string, ScorecardEntityInfo>;
} {
  const reports: MeshReport[] = [];
  const infos = new Map<string, ScorecardEntityInfo>();
  for (let i = 0; i < n; i++) {
    const ref = `component:default/service-${String(i).padStart(5, '0')}`;
    reports.push({
      entityRef: ref,
      generatedAt: new Date(Date.now() - (i % 600) * 1000).toISOString(),
      stale: i % 50 === 0,
      mesh: { provider: 'istio', dataPlane: 'sidecar' },
      workloads: [
        {
          cluster: `cluster-${i % 3}`,
          namespace: `team-${i % 40}`,
          kind: 'Deployment',
          name: `service-${i}`,
          pods: 3,
          meshedPods: 3,
          proxyVersions: ['1.24.1'],
        },
      ],
      health: {
        status: 'healthy',
        requestsPerSecond: 10,
        successRate: 1,
        latencyMs: { p50: 1, p95: 5, p99: 9 },
      },
      checks: CHECKS.map((id, j) => ({
        id,
        title: id,
        category: 'mesh',
        status: STATUSES[(i + j) % STATUSES.length],
        summary: '',
        evidence: {},
      })),
      readiness: {
        score: i % 101,
        level: LEVELS[i % LEVELS.length],
        passed: 0,
        applicable: CHECKS.length,
      },
      sources: [],
    });
    infos.set(ref, {
      kind: 'component',
      title: `service ${i}`,
      owner: `group:default/team-${i % 40}`,
      system: `system:default/system-${i % 120}`,
      domain: '',
    });
  }
  return { reports, infos };
}

/**
 * The scrape of a 5,000-entity fleet: its size is the README's series count, and its
 * time is printed (the figure the README quotes), cold (the store read) and warm (the
 * cached read; the gauges are rebuilt and the text written on every scrape).
 */
describe.each(TEST_DATABASES)('a scrape of 5,000 entities on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: MeshStores;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    stores = await openStores(db.knex);
    const { reports, infos } = fleet(ENTITIES);
    await stores.reports.saveReports(reports, infos);
  }, 120_000);

  afterAll(async () => {
    await db?.dispose();
  });

  it('has 25 series per entity and a fixed fleet set', async () => {
    let now = Date.now();
    const metrics = createMeshMetrics({
      scorecard: stores.scorecard,
      checkIds: () => CHECKS,
      clusters: [{ name: 'cluster-0', sources: ['kubernetes', 'prometheus'] }],
      now: () => now,
    });
    const timed = async () => {
      const t0 = performance.now();
      const text = await metrics.exposition.metrics();
      return { text, ms: Math.round(performance.now() - t0) };
    };
    const first = await timed();
    // Within the cache's TTL: no store read.
    now += 1_000;
    const cached = await timed();
    // Past it: the store is read again; the rows are the same.
    now += 60_000;
    const reread = await timed();
    // eslint-disable-next-line no-console
    console.log(
      `/metrics at ${ENTITIES} entities on ${kind} (${(
        first.text.length /
        2 ** 20
      ).toFixed(1)} MiB): first scrape ${first.ms} ms, within the cache ${
        cached.ms
      } ms, store read again (rows unchanged) ${reread.ms} ms`,
    );
    // The ages moved with the clock; nothing else did.
    const withoutAges = (t: string) =>
      t.replace(/^mesh_report_age_seconds\{.*$/gm, '');
    expect(withoutAges(reread.text)).toBe(withoutAges(first.text));
    expect(reread.text).not.toBe(first.text);
    const { samples } = parseExposition(first.text);
    const perEntity = samples.filter(s => s.labels.entity !== undefined);
    expect(perEntity).toHaveLength(ENTITIES * (2 + CHECKS.length));
    expect(new Set(perEntity.map(s => s.labels.entity)).size).toBe(ENTITIES);
    const fleetSeries = samples.filter(s => s.labels.entity === undefined);
    // check × status, 5 levels, stale, sidecars, 2 requests, and one cluster's
    // histogram (15 buckets, +Inf, sum, count) and 2 error counters.
    expect(fleetSeries).toHaveLength(CHECKS.length * 6 + 5 + 4 + 18 + 2);
  }, 60_000);
});
