import {
  ambientSavings,
  ScorecardRow,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { register as globalRegistry, Registry } from 'prom-client';
import { parseExposition, samplesOf } from './__testUtils__/exposition';
import { CHECK_STATUSES, READINESS_LEVELS } from './statuses';
import { FleetReader } from './fleetSnapshot';
import { createMeshMetrics } from './registry';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const CHECKS = ['mesh.enrollment', 'security.mtls', 'sidecar.resources'];

function row(
  name: string,
  over: Partial<ScorecardRow> & { checks: ScorecardRow['checks'] },
): ScorecardRow {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    title: name,
    owner: 'group:default/shop',
    system: 'system:default/web',
    domain: '',
    namespaces: ['shop'],
    clusters: ['eu'],
    provider: 'istio',
    dataPlane: 'sidecar',
    score: 50,
    level: 'not-ready',
    coverage: null,
    stale: false,
    generatedAt: new Date(NOW - 60_000).toISOString(),
    ...over,
  };
}

const ROWS: ScorecardRow[] = [
  row('cart', {
    score: 95,
    level: 'production-ready',
    namespaces: ['shop', 'shop-canary'],
    generatedAt: new Date(NOW - 30_000).toISOString(),
    checks: {
      'mesh.enrollment': 'pass',
      'security.mtls': 'pass',
      'sidecar.resources': 'waived',
    },
  }),
  row('legacy', {
    owner: '',
    system: '',
    namespaces: [],
    provider: 'none',
    score: 0,
    level: 'not-meshed',
    stale: true,
    generatedAt: new Date(NOW - 3_600_000).toISOString(),
    checks: {
      'mesh.enrollment': 'fail',
      'security.mtls': 'not-applicable',
      // No longer registered (an adopter's check removed): never exported.
      'acme.removed': 'fail',
      // Not a status: never exported either.
      'sidecar.resources': 'bogus' as ScorecardRow['checks'][string],
    },
  }),
];

const SUMMARY: ScorecardSummary = {
  entities: 2,
  levels: { 'production-ready': 1, 'not-meshed': 1 },
  stale: 1,
  sidecars: {
    count: 7,
    measured: 5,
    requested: { cpuCores: 0.7, memoryBytes: 7 * 128 * 2 ** 20 },
    used: { cpuCores: 0.2, memoryBytes: 100 },
  },
  doubleInstrumentation: { appSeries: 0, estimatedBytes: 0 },
  medianPropagationRatio: null,
  ambient: ambientSavings(
    { cpuCores: 0.7, memoryBytes: 7 * 128 * 2 ** 20 },
    null,
  ),
};

/** A store stub that counts its reads; `rows` can be swapped between scrapes. */
function reader(state: { rows: ScorecardRow[]; summary?: ScorecardSummary }) {
  const calls = { allRows: 0, summary: 0 };
  const store: FleetReader = {
    allRows: async () => {
      calls.allRows += 1;
      return state.rows;
    },
    summary: async () => {
      calls.summary += 1;
      return state.summary ?? SUMMARY;
    },
  };
  return { store, calls };
}

function metricsWith(
  state: { rows: ScorecardRow[]; summary?: ScorecardSummary },
  extra: {
    checkStatusZeros?: boolean;
    ttlMs?: number;
    now?: () => number;
  } = {},
) {
  const r = reader(state);
  const metrics = createMeshMetrics({
    scorecard: r.store,
    checkIds: () => CHECKS,
    clusters: [],
    checkStatusZeros: extra.checkStatusZeros,
    fleetCacheTtlMs: extra.ttlMs ?? 0,
    now: extra.now ?? (() => NOW),
  });
  const scrape = async () =>
    parseExposition(await metrics.exposition.metrics()).samples;
  return { metrics, scrape, calls: r.calls };
}

describe('the fleet metrics', () => {
  it('gives each entity its score with owner, system, namespaces and provider', async () => {
    const samples = samplesOf(
      await metricsWith({ rows: ROWS }).scrape(),
      'mesh_readiness_score',
    );
    expect(samples).toEqual([
      {
        name: 'mesh_readiness_score',
        labels: {
          entity: 'component:default/cart',
          owner: 'group:default/shop',
          system: 'system:default/web',
          namespace: 'shop,shop-canary',
          provider: 'istio',
        },
        value: 95,
      },
      {
        name: 'mesh_readiness_score',
        labels: {
          entity: 'component:default/legacy',
          owner: '',
          system: '',
          namespace: '',
          provider: 'none',
        },
        value: 0,
      },
    ]);
  });

  it('gives the age of each report at the moment of the scrape', async () => {
    const samples = await metricsWith({ rows: ROWS }).scrape();
    expect(
      samplesOf(samples, 'mesh_report_age_seconds').map(s => [
        s.labels.entity,
        s.value,
      ]),
    ).toEqual([
      ['component:default/cart', 30],
      ['component:default/legacy', 3600],
    ]);
  });

  it('emits only the current status of each registered check by default', async () => {
    const samples = samplesOf(
      await metricsWith({ rows: ROWS }).scrape(),
      'mesh_check_status',
    );
    expect(
      samples.map(s => [s.labels.entity, s.labels.check, s.labels.status]),
    ).toEqual([
      ['component:default/cart', 'mesh.enrollment', 'pass'],
      ['component:default/cart', 'security.mtls', 'pass'],
      ['component:default/cart', 'sidecar.resources', 'waived'],
      ['component:default/legacy', 'mesh.enrollment', 'fail'],
      ['component:default/legacy', 'security.mtls', 'not-applicable'],
    ]);
    expect(samples.every(s => s.value === 1)).toBe(true);
  });

  it('is strictly one-hot over the six statuses with checkStatusZeros', async () => {
    const samples = samplesOf(
      await metricsWith({ rows: ROWS }, { checkStatusZeros: true }).scrape(),
      'mesh_check_status',
    );
    // 3 checks of cart, 2 of legacy (its unregistered id and bogus status left out).
    expect(samples).toHaveLength(5 * CHECK_STATUSES.length);
    for (const [entity, check, current] of [
      ['component:default/cart', 'sidecar.resources', 'waived'],
      ['component:default/legacy', 'mesh.enrollment', 'fail'],
    ]) {
      const pair = samplesOf(samples, 'mesh_check_status', { entity, check });
      expect(pair.map(s => s.labels.status).sort()).toEqual(
        [...CHECK_STATUSES].sort(),
      );
      expect(pair.filter(s => s.value === 1).map(s => s.labels.status)).toEqual(
        [current],
      );
      expect(pair.reduce((a, s) => a + s.value, 0)).toBe(1);
    }
  });

  it('counts entities per check and status over the fleet, zeros included', async () => {
    const samples = samplesOf(
      await metricsWith({ rows: ROWS }).scrape(),
      'mesh_check_entities',
    );
    expect(samples).toHaveLength(CHECKS.length * CHECK_STATUSES.length);
    const count = (check: string, status: string) =>
      samplesOf(samples, 'mesh_check_entities', { check, status })[0]?.value;
    expect(count('mesh.enrollment', 'pass')).toBe(1);
    expect(count('mesh.enrollment', 'fail')).toBe(1);
    expect(count('mesh.enrollment', 'warn')).toBe(0);
    expect(count('sidecar.resources', 'waived')).toBe(1);
    expect(count('security.mtls', 'not-applicable')).toBe(1);
    expect(
      samplesOf(samples, 'mesh_check_entities', { check: 'acme.removed' }),
    ).toEqual([]);
  });

  it('gives the fleet totals: entities per level, stale, sidecars and their requests', async () => {
    const samples = await metricsWith({ rows: ROWS }).scrape();
    expect(
      Object.fromEntries(
        samplesOf(samples, 'mesh_entities').map(s => [s.labels.level, s.value]),
      ),
    ).toEqual({
      'production-ready': 1,
      'almost-ready': 0,
      'not-ready': 0,
      'not-meshed': 1,
      unmapped: 0,
    });
    expect(samplesOf(samples, 'mesh_entities')).toHaveLength(
      READINESS_LEVELS.length,
    );
    expect(samplesOf(samples, 'mesh_entities_stale')[0].value).toBe(1);
    expect(samplesOf(samples, 'mesh_sidecars')[0].value).toBe(7);
    expect(
      samplesOf(samples, 'mesh_sidecar_requests').map(s => [s.labels, s.value]),
    ).toEqual([
      [{ resource: 'cpu', unit: 'core' }, 0.7],
      [{ resource: 'memory', unit: 'byte' }, 7 * 128 * 2 ** 20],
    ]);
  });

  it('escapes quotes, backslashes and newlines in label values', async () => {
    const tricky = 'group:default/a"b\\c\nd';
    const { metrics } = metricsWith({
      rows: [row('odd', { owner: tricky, checks: {} })],
    });
    const text = await metrics.exposition.metrics();
    expect(text).toContain('owner="group:default/a\\"b\\\\c\\nd"');
    const [sample] = samplesOf(
      parseExposition(text).samples,
      'mesh_readiness_score',
    );
    expect(sample.labels.owner).toBe(tricky);
  });

  it('drops an entity whose row is gone at the next scrape', async () => {
    const state = { rows: ROWS };
    const { scrape } = metricsWith(state);
    expect(samplesOf(await scrape(), 'mesh_readiness_score')).toHaveLength(2);
    state.rows = ROWS.slice(0, 1);
    const after = await scrape();
    for (const name of [
      'mesh_readiness_score',
      'mesh_report_age_seconds',
      'mesh_check_status',
    ]) {
      expect(
        samplesOf(after, name, { entity: 'component:default/legacy' }),
      ).toEqual([]);
    }
  });

  it('keeps its series bounded: per entity 2 + one per registered check, per fleet a fixed set', async () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      row(`svc-${i}`, {
        checks: Object.fromEntries(
          [...CHECKS, 'acme.removed'].map((c, j) => [
            c,
            CHECK_STATUSES[(i + j) % CHECK_STATUSES.length],
          ]),
        ),
      }),
    );
    const samples = await metricsWith({ rows: many }).scrape();
    const perEntity = samples.filter(s => s.labels.entity !== undefined);
    expect(perEntity).toHaveLength(many.length * (2 + CHECKS.length));
    const fleet = samples.filter(s => s.labels.entity === undefined);
    expect(fleet).toHaveLength(
      CHECKS.length * CHECK_STATUSES.length + READINESS_LEVELS.length + 4,
    );
  });

  it('lives in registries of its own, not in prom-client’s global one', async () => {
    const { metrics } = metricsWith({ rows: ROWS });
    const names = metrics.exposition.names();
    expect(names).toEqual(
      expect.arrayContaining([
        'mesh_readiness_score',
        'mesh_check_status',
        'mesh_report_age_seconds',
        'mesh_collection_duration_seconds',
        'mesh_source_errors_total',
      ]),
    );
    for (const name of names)
      expect(globalRegistry.getSingleMetric(name)).toBeUndefined();
  });
});

describe('the fleet read behind the metrics', () => {
  it('serves scrapes within the TTL from one read, report ages still moving', async () => {
    let now = NOW;
    const { scrape, calls } = metricsWith(
      { rows: ROWS },
      { ttlMs: 10_000, now: () => now },
    );
    const age = async () =>
      samplesOf(await scrape(), 'mesh_report_age_seconds', {
        entity: 'component:default/cart',
      })[0].value;
    expect(await age()).toBe(30);
    now += 5_000;
    expect(await age()).toBe(35);
    expect(calls).toEqual({ allRows: 1, summary: 1 });
    now += 5_000;
    await scrape();
    expect(calls).toEqual({ allRows: 2, summary: 2 });
  });

  it('renders the per-entity families again only when the stored rows change', async () => {
    const state = { rows: ROWS };
    const { metrics } = metricsWith(state);
    const renders = jest.spyOn(Registry.prototype, 'metrics');
    try {
      const first = await metrics.exposition.metrics();
      // The live registry and the entities' one.
      expect(renders).toHaveBeenCalledTimes(2);
      // Read again (TTL 0), the same rows: only the live registry is rendered.
      state.rows = ROWS.map(r => ({ ...r }));
      expect(await metrics.exposition.metrics()).toBe(first);
      expect(renders).toHaveBeenCalledTimes(3);
      state.rows = [{ ...ROWS[0], score: 42 }, ROWS[1]];
      const changed = await metrics.exposition.metrics();
      expect(renders).toHaveBeenCalledTimes(5);
      expect(changed).toContain('provider="istio"} 42\n');
    } finally {
      renders.mockRestore();
    }
  });

  it('shares one read among concurrent scrapes', async () => {
    const { scrape, calls } = metricsWith({ rows: ROWS }, { ttlMs: 10_000 });
    await Promise.all([scrape(), scrape(), scrape()]);
    expect(calls).toEqual({ allRows: 1, summary: 1 });
  });

  it('fails the scrape when the store fails, and reads again at the next one', async () => {
    let fail = true;
    const metrics = createMeshMetrics({
      scorecard: {
        allRows: async () => {
          if (fail) throw new Error('database is down');
          return ROWS;
        },
        summary: async () => SUMMARY,
      },
      checkIds: () => CHECKS,
      clusters: [],
      fleetCacheTtlMs: 60_000,
      now: () => NOW,
    });
    await expect(metrics.exposition.metrics()).rejects.toThrow(
      'database is down',
    );
    fail = false;
    expect(await metrics.exposition.metrics()).toContain(
      'mesh_readiness_score{',
    );
  });
});
