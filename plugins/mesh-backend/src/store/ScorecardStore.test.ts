import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import {
  ambientSavings,
  CheckStatus,
  MeshReport,
  ScorecardSortColumn,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshStores, openStores } from '.';
import { ScorecardEntityInfo, ScorecardFilter } from './ScorecardStore';

interface Fixture {
  name: string;
  owner: string;
  system?: string;
  domain?: string;
  title?: string;
  provider?: MeshReport['mesh']['provider'];
  score: number;
  level: string;
  stale?: boolean;
  coverage?: { covered: number; total: number };
  /** cluster/namespace, pods, meshed pods */
  workloads: [string, number, number][];
  checks: Record<string, CheckStatus>;
  evidence?: Record<string, Record<string, unknown>>;
}

const FIXTURES: Fixture[] = [
  {
    name: 'cart',
    title: 'Shopping cart',
    owner: 'group:default/shop',
    system: 'system:default/web-shop',
    domain: 'domain:default/commerce',
    score: 95,
    level: 'production-ready',
    coverage: { covered: 12, total: 12 },
    workloads: [['eu/shop', 3, 3]],
    checks: { 'security.mtls': 'pass', 'mesh.enrollment': 'pass' },
    evidence: {
      'sidecar.rightsizing': {
        totals: {
          sidecars: 3,
          measuredSidecars: 2,
          requested: { cpuCores: 0.3, memoryBytes: 300 },
          used: { cpuCores: 0.1, memoryBytes: 100 },
        },
      },
      'observability.trace-propagation': { propagationRatio: 0.9 },
      'observability.double-instrumentation': {
        appSeries: 10,
        estimatedBytes: 1000,
      },
    },
  },
  {
    name: 'checkout',
    title: 'Checkout, "the money path"',
    owner: 'group:default/shop',
    system: 'system:default/web-shop',
    domain: 'domain:default/commerce',
    score: 72,
    level: 'almost-ready',
    coverage: { covered: 10, total: 12 },
    workloads: [
      ['eu/shop', 2, 2],
      ['us/shop', 2, 0],
    ],
    checks: { 'security.mtls': 'warn', 'mesh.enrollment': 'fail' },
    evidence: {
      'sidecar.rightsizing': {
        totals: {
          sidecars: 2,
          measuredSidecars: 2,
          requested: { cpuCores: 0.2, memoryBytes: 200 },
          used: { cpuCores: 0.05, memoryBytes: 50 },
        },
      },
      'observability.trace-propagation': { propagationRatio: 0.5 },
    },
  },
  {
    name: 'payments',
    owner: 'group:default/pay',
    system: 'system:default/payments',
    domain: 'domain:default/commerce',
    provider: 'linkerd',
    score: 40,
    level: 'not-ready',
    stale: true,
    workloads: [['us/pay', 4, 4]],
    checks: { 'security.mtls': 'fail', 'mesh.enrollment': 'pass' },
    evidence: {
      'observability.trace-propagation': { propagationRatio: 0.7 },
    },
  },
  {
    name: 'legacy',
    owner: 'group:default/pay',
    score: 0,
    level: 'not-meshed',
    provider: 'none',
    workloads: [['us/legacy', 2, 0]],
    checks: { 'security.mtls': 'not-applicable', 'mesh.enrollment': 'fail' },
  },
  {
    name: 'search_100%',
    owner: 'group:default/search',
    system: 'system:default/discovery',
    score: 88,
    level: 'almost-ready',
    workloads: [['eu/search', 1, 1]],
    checks: { 'security.mtls': 'pass', 'mesh.enrollment': 'warn' },
  },
];

const refOf = (f: Fixture) => `component:default/${f.name}`;

function reportOf(f: Fixture): MeshReport {
  return {
    entityRef: refOf(f),
    generatedAt: '2026-11-25T10:00:00.000Z',
    stale: f.stale ?? false,
    mesh: {
      provider: f.provider ?? 'istio',
      dataPlane: f.provider === 'none' ? 'none' : 'sidecar',
    },
    workloads: f.workloads.map(([place, pods, meshedPods], i) => {
      const [cluster, namespace] = place.split('/');
      return {
        cluster,
        namespace,
        kind: 'Deployment',
        name: `${f.name}-${i}`,
        pods,
        meshedPods,
        proxyVersions: [],
      };
    }),
    health: {
      status: 'healthy',
      requestsPerSecond: 1,
      successRate: 1,
      latencyMs: { p50: 1, p95: 2, p99: 3 },
    },
    checks: Object.entries(f.checks)
      .map(([id, status]) => ({
        id,
        title: id,
        category: 'mesh',
        status,
        summary: status,
        evidence: {},
      }))
      .concat(
        Object.entries(f.evidence ?? {}).map(([id, evidence]) => ({
          id,
          title: id,
          category: 'sidecar',
          status: 'pass' as CheckStatus,
          summary: 'pass',
          evidence,
        })),
      ),
    readiness: {
      score: f.score,
      level: f.level as MeshReport['readiness']['level'],
      passed: 0,
      applicable: 0,
      ...(f.coverage ? { coverage: { ...f.coverage, lines: [] } } : {}),
    },
    sources: [],
  };
}

function infoOf(f: Fixture): ScorecardEntityInfo {
  return {
    kind: 'component',
    title: f.title ?? f.name,
    owner: f.owner,
    system: f.system ?? '',
    domain: f.domain ?? '',
  };
}

const ALL = FIXTURES.map(f => f.name);
const names = (refs: string[]) => refs.map(r => r.split('/')[1]);

describe.each(TEST_DATABASES)('ScorecardStore on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: MeshStores;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    stores = await openStores(db.knex);
    await stores.reports.saveReports(
      FIXTURES.map(reportOf),
      new Map(FIXTURES.map(f => [refOf(f), infoOf(f)])),
    );
  }, 30_000);

  afterAll(async () => {
    await db?.dispose();
  });

  const byName = { sort: 'entityRef' as const, order: 'asc' as const };

  it.each<[string, ScorecardFilter, string[]]>([
    ['no filter', {}, ALL.slice().sort()],
    ['owner', { owner: ['group:default/shop'] }, ['cart', 'checkout']],
    [
      'two owners (OR)',
      { owner: ['group:default/shop', 'group:default/search'] },
      ['cart', 'checkout', 'search_100%'],
    ],
    ['system', { system: ['system:default/payments'] }, ['payments']],
    [
      'domain (through the system)',
      { domain: ['domain:default/commerce'] },
      ['cart', 'checkout', 'payments'],
    ],
    ['namespace', { namespace: ['shop'] }, ['cart', 'checkout']],
    ['cluster', { cluster: ['us'] }, ['checkout', 'legacy', 'payments']],
    [
      'cluster and namespace',
      { cluster: ['us'], namespace: ['shop'] },
      ['checkout'],
    ],
    ['provider', { provider: ['linkerd'] }, ['payments']],
    ['level', { level: ['almost-ready'] }, ['checkout', 'search_100%']],
    [
      'check status',
      { checks: [{ id: 'mesh.enrollment', status: 'fail' }] },
      ['checkout', 'legacy'],
    ],
    [
      'two checks (AND)',
      {
        checks: [
          { id: 'mesh.enrollment', status: 'pass' },
          { id: 'security.mtls', status: 'fail' },
        ],
      },
      ['payments'],
    ],
    ['free text in the title, any case', { q: 'MONEY' }, ['checkout']],
    ['free text in the owner', { q: 'search' }, ['search_100%']],
    [
      'free text with a LIKE wildcard, literally',
      { q: '100%' },
      ['search_100%'],
    ],
    [
      'free text _ is literal (as a wildcard it would find "pay")',
      { q: 'p_y' },
      [],
    ],
    ['free text % alone matches only a %', { q: '%' }, ['search_100%']],
    ['nothing', { owner: ['group:default/nobody'] }, []],
  ])('filters by %s', async (_what, filter, expected) => {
    expect(
      names(await stores.scorecard.matchingRefs(filter, byName, undefined)),
    ).toEqual(expected);
  });

  it.each<[ScorecardSortColumn, 'asc' | 'desc', string[]]>([
    ['score', 'asc', ['legacy', 'payments', 'checkout', 'search_100%', 'cart']],
    [
      'score',
      'desc',
      ['cart', 'search_100%', 'checkout', 'payments', 'legacy'],
    ],
    // Ties (two almost-ready) by ref, in the same direction.
    [
      'level',
      'desc',
      ['cart', 'search_100%', 'checkout', 'payments', 'legacy'],
    ],
    [
      'coverage',
      'desc',
      ['cart', 'checkout', 'search_100%', 'payments', 'legacy'],
    ],
    [
      'stale',
      'desc',
      ['payments', 'search_100%', 'legacy', 'checkout', 'cart'],
    ],
    ['owner', 'asc', ['legacy', 'payments', 'search_100%', 'cart', 'checkout']],
    ['title', 'asc', ['checkout', 'legacy', 'payments', 'search_100%', 'cart']],
  ])('sorts by %s %s', async (sort, order, expected) => {
    expect(
      names(
        await stores.scorecard.matchingRefs({}, { sort, order }, undefined),
      ),
    ).toEqual(expected);
  });

  it('reads rows back whole, in the order asked', async () => {
    const rows = await stores.scorecard.rowsOf([
      'component:default/checkout',
      'component:default/cart',
    ]);
    expect(rows.map(r => r.entityRef)).toEqual([
      'component:default/checkout',
      'component:default/cart',
    ]);
    expect(rows[0]).toEqual({
      entityRef: 'component:default/checkout',
      kind: 'component',
      title: 'Checkout, "the money path"',
      owner: 'group:default/shop',
      system: 'system:default/web-shop',
      domain: 'domain:default/commerce',
      namespaces: ['shop'],
      clusters: ['eu', 'us'],
      provider: 'istio',
      dataPlane: 'sidecar',
      score: 72,
      level: 'almost-ready',
      coverage: { covered: 10, total: 12 },
      stale: false,
      generatedAt: '2026-11-25T10:00:00.000Z',
      checks: {
        'security.mtls': 'warn',
        'mesh.enrollment': 'fail',
        'sidecar.rightsizing': 'pass',
        'observability.trace-propagation': 'pass',
      },
    });
  });

  it('hides what the caller may not see, before counting', async () => {
    const visible = (ref: string) => !ref.endsWith('/cart');
    expect(
      names(
        await stores.scorecard.matchingRefs(
          { owner: ['group:default/shop'] },
          byName,
          visible,
        ),
      ),
    ).toEqual(['checkout']);
    const summary = await stores.scorecard.summary({}, visible);
    expect(summary.entities).toBe(4);
    expect(summary.sidecars.count).toBe(2);
    const rollups = await stores.scorecard.rollups('group', {}, visible);
    expect(rollups.find(r => r.key === 'group:default/shop')?.entities).toBe(1);
  });

  it('sums the fleet: levels, sidecars, resources, app series, median propagation', async () => {
    expect(await stores.scorecard.summary({}, undefined)).toEqual({
      entities: 5,
      levels: {
        'production-ready': 1,
        'almost-ready': 2,
        'not-ready': 1,
        'not-meshed': 1,
      },
      stale: 1,
      sidecars: {
        count: 5,
        measured: 4,
        requested: { cpuCores: 0.5, memoryBytes: 500 },
        used: { cpuCores: 0.15, memoryBytes: 150 },
      },
      doubleInstrumentation: { appSeries: 10, estimatedBytes: 1000 },
      medianPropagationRatio: 0.7,
      // No cluster run has counted nodes yet: the sidecar requests alone.
      ambient: ambientSavings({ cpuCores: 0.5, memoryBytes: 500 }, null),
    });
    expect(
      (
        await stores.scorecard.summary(
          { owner: ['group:default/shop'] },
          undefined,
        )
      ).medianPropagationRatio,
    ).toBe(0.7); // (0.9 + 0.5) / 2
  });

  it("says what ambient would save, less a ztunnel on every node of the sidecars' clusters", async () => {
    const run = (cluster: string, nodes: number) => ({
      cluster,
      runAt: '2026-11-25T10:00:00.000Z',
      entities: 1,
      sidecars: {
        count: 0,
        measured: 0,
        requested: { cpuCores: 0, memoryBytes: 0 },
        used: { cpuCores: 0, memoryBytes: 0 },
      },
      doubleInstrumentation: { appSeries: 0, estimatedBytes: 0 },
      medianPropagationRatio: null,
      propagationMeasured: 0,
      nodes,
    });
    // Sidecars run in eu (cart, checkout) and us (checkout): both need a node count.
    await stores.clusterFleet.record([run('eu', 3)]);
    expect(
      (await stores.scorecard.summary({}, undefined)).ambient,
    ).toMatchObject({ nodes: null, ztunnel: null });
    await stores.clusterFleet.record([run('us', 2)]);
    expect((await stores.scorecard.summary({}, undefined)).ambient).toEqual(
      ambientSavings({ cpuCores: 0.5, memoryBytes: 500 }, 5),
    );
    expect(
      (await stores.scorecard.summary({}, undefined)).ambient,
    ).toMatchObject({
      nodes: 5,
      ztunnel: { cpuCores: 0.3, memoryBytes: 60e6 },
      net: { cpuCores: 0.2, memoryBytes: 0 },
    });
    // Entities without sidecars: nothing to move, no ztunnel to add.
    expect(
      (
        await stores.scorecard.summary(
          { owner: ['group:default/search'] },
          undefined,
        )
      ).ambient,
    ).toEqual(ambientSavings({ cpuCores: 0, memoryBytes: 0 }, null));
  });

  it('rolls up by owner group: average, level shares, worst checks, rollout', async () => {
    const rollups = await stores.scorecard.rollups('group', {}, undefined);
    expect(rollups.map(r => r.key)).toEqual([
      'group:default/pay',
      'group:default/search',
      'group:default/shop',
    ]);
    expect(rollups[0]).toEqual({
      key: 'group:default/pay',
      entities: 2,
      averageScore: 20,
      levels: { 'not-ready': 0.5, 'not-meshed': 0.5 },
      worstChecks: [
        { id: 'mesh.enrollment', failing: 1, warning: 0 },
        { id: 'security.mtls', failing: 1, warning: 0 },
      ],
      rollout: { meshedWorkloads: 1, workloads: 2, meshedPods: 4, pods: 6 },
    });
  });

  it.each<
    [
      'system' | 'domain' | 'namespace' | 'cluster',
      string,
      number,
      number,
      [number, number],
    ]
  >([
    ['system', 'system:default/web-shop', 2, 83.5, [2, 3]],
    ['system', '', 1, 0, [0, 1]],
    ['domain', 'domain:default/commerce', 3, 69, [3, 4]],
    ['namespace', 'shop', 2, 83.5, [2, 3]],
    // checkout runs in eu and us: counted in each cluster, with that cluster's workloads.
    ['cluster', 'us', 3, 37.3, [1, 3]],
    ['cluster', 'eu', 3, 85, [3, 3]],
  ])(
    'rolls up by %s: %s',
    async (by, key, entities, average, [meshed, total]) => {
      const rollup = (await stores.scorecard.rollups(by, {}, undefined)).find(
        r => r.key === key,
      );
      expect(rollup).toMatchObject({
        entities,
        averageScore: average,
        rollout: { meshedWorkloads: meshed, workloads: total },
      });
    },
  );

  it('keeps the catalog fields when a report is saved without them, and rewrites placements', async () => {
    const moved = reportOf({
      ...FIXTURES[4],
      workloads: [['us/find', 2, 2]],
    });
    await stores.reports.saveReports([moved]);
    const [row] = await stores.scorecard.rowsOf([
      'component:default/search_100%',
    ]);
    expect(row.owner).toBe('group:default/search');
    expect(row.namespaces).toEqual(['find']);
    expect(
      names(
        await stores.scorecard.matchingRefs(
          { namespace: ['search'] },
          byName,
          undefined,
        ),
      ),
    ).toEqual([]);
    await stores.reports.saveReports(
      [reportOf(FIXTURES[4])],
      new Map([[refOf(FIXTURES[4]), infoOf(FIXTURES[4])]]),
    );
  });

  it('records roll-up points per key and day, and prunes them with the history', async () => {
    const rollups = await stores.scorecard.allRollups();
    expect([...rollups.keys()]).toEqual([
      'group',
      'system',
      'domain',
      'namespace',
      'cluster',
    ]);
    await stores.history.recordRollups('2025-01-01', rollups);
    await stores.history.recordRollups('2026-11-24', rollups);
    await stores.history.recordRollups('2026-11-25', rollups);
    // A later run the same day overwrites the day's point.
    await stores.history.recordRollups(
      '2026-11-25',
      new Map([
        [
          'group',
          [{ ...rollups.get('group')![2], averageScore: 50, entities: 9 }],
        ],
      ]),
    );
    const points = await stores.history.getRollup(
      'group',
      'group:default/shop',
      '2026-01-01',
    );
    expect(points).toEqual([
      {
        day: '2026-11-24',
        entities: 2,
        averageScore: 83.5,
        levels: { 'production-ready': 0.5, 'almost-ready': 0.5 },
        meshedWorkloads: 2,
        workloads: 3,
      },
      expect.objectContaining({
        day: '2026-11-25',
        averageScore: 50,
        entities: 9,
      }),
    ]);
    await stores.history.prune('2026-11-25', 365);
    expect(
      await stores.history.getRollup(
        'group',
        'group:default/shop',
        '2000-01-01',
      ),
    ).toHaveLength(2);
  });
});
