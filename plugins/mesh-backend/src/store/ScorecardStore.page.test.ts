import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { CheckStatus, MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { MeshStores, openStores } from '.';
import { ScorecardOrder } from './ScorecardStore';

/** name → score, the statuses of security.mtls and mesh.enrollment, waived or not. */
const FLEET: Array<
  [string, number, CheckStatus | 'waived' | undefined, CheckStatus]
> = [
  ['a', 90, 'pass', 'pass'],
  ['b', 40, 'fail', 'pass'],
  ['c', 70, 'warn', 'fail'],
  ['d', 60, 'unknown', 'pass'],
  ['e', 80, 'waived', 'pass'],
  ['f', 10, 'not-applicable', 'fail'],
  ['g', 50, undefined, 'warn'], // a report without the mtls check
  ['h', 30, 'fail', 'warn'],
];

function reportOf([
  name,
  score,
  mtls,
  enrollment,
]: (typeof FLEET)[number]): MeshReport {
  const check = (id: string, status: CheckStatus | 'waived') => ({
    id,
    title: id,
    category: 'security' as const,
    status: status === 'waived' ? ('fail' as const) : status,
    summary: status,
    evidence: {},
    ...(status === 'waived'
      ? { waived: { reason: 'accepted', status: 'fail' } }
      : {}),
  });
  return {
    entityRef: `component:default/${name}`,
    generatedAt: '2026-11-25T10:00:00.000Z',
    stale: false,
    mesh: { provider: 'istio', dataPlane: 'sidecar' },
    workloads: [
      {
        cluster: 'eu',
        namespace: name < 'e' ? 'shop' : 'pay',
        kind: 'Deployment',
        name,
        pods: 1,
        meshedPods: 1,
        proxyVersions: [],
      },
    ],
    health: {
      status: 'healthy',
      requestsPerSecond: 1,
      successRate: 1,
      latencyMs: { p50: 1, p95: 2, p99: 3 },
    },
    checks: [
      ...(mtls ? [check('security.mtls', mtls)] : []),
      check('mesh.enrollment', enrollment),
    ] as MeshReport['checks'],
    readiness: { score, level: 'not-ready', passed: 0, applicable: 0 },
    sources: [],
  };
}

const names = (rows: { entityRef: string }[]) =>
  rows.map(r => r.entityRef.split('/')[1]);

describe.each(TEST_DATABASES)('ScorecardStore.page on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: MeshStores;
  const queries: string[] = [];
  const count = (q: { sql: string }) => queries.push(q.sql);

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    stores = await openStores(db.knex);
    await stores.reports.saveReports(FLEET.map(reportOf));
    db.knex.on('query', count);
  }, 30_000);

  afterAll(async () => {
    db?.knex.off('query', count);
    await db?.dispose();
  });

  const byScore: ScorecardOrder = { sort: 'score', order: 'desc' };
  const all = { limit: 50, offset: 0 };

  it('serves a filtered, sorted page with its total in one query', async () => {
    queries.length = 0;
    const page = await stores.scorecard.page(
      {
        namespace: ['shop'],
        checks: [{ id: 'mesh.enrollment', status: 'pass' }],
      },
      byScore,
      ['component:default/a', 'component:default/b', 'component:default/d'],
      { limit: 2, offset: 0 },
    );
    expect(queries).toHaveLength(1);
    expect(names(page.rows)).toEqual(['a', 'd']);
    expect(page).toMatchObject({ total: 3, offset: 0 });
    expect(page.rows[0]).toMatchObject({
      entityRef: 'component:default/a',
      score: 90,
      namespaces: ['shop'],
      checks: { 'security.mtls': 'pass', 'mesh.enrollment': 'pass' },
    });
  });

  it('answers the total, and no row, past the end', async () => {
    queries.length = 0;
    const page = await stores.scorecard.page({}, byScore, undefined, {
      limit: 5,
      offset: 8,
    });
    expect(queries).toHaveLength(1);
    expect(page).toEqual({ rows: [], total: 8, offset: 8 });
    expect(
      await stores.scorecard.page({ q: 'nobody' }, byScore, undefined, all),
    ).toEqual({ rows: [], total: 0, offset: 0 });
  });

  it('counts only what the caller may see', async () => {
    const page = await stores.scorecard.page(
      {},
      byScore,
      [
        'component:default/c',
        'component:default/h',
        'component:default/elsewhere',
        // Bound as data, whatever it holds.
        'component:default/we"ird\\,{x}',
      ],
      all,
    );
    expect(names(page.rows)).toEqual(['c', 'h']);
    expect(page.total).toBe(2);
    expect(await stores.scorecard.page({}, byScore, [], all)).toEqual({
      rows: [],
      total: 0,
      offset: 0,
    });
  });

  it('pages by offset and after a cursor row, and falls back to the offset when that row left', async () => {
    const order = names(
      (await stores.scorecard.page({}, byScore, undefined, all)).rows,
    );
    expect(order).toEqual(['a', 'e', 'c', 'd', 'g', 'b', 'h', 'f']);
    const second = await stores.scorecard.page({}, byScore, undefined, {
      limit: 3,
      offset: 3,
    });
    expect(names(second.rows)).toEqual(['d', 'g', 'b']);
    queries.length = 0;
    const afterC = await stores.scorecard.page({}, byScore, undefined, {
      limit: 3,
      offset: 99,
      after: 'component:default/c',
    });
    expect(queries).toHaveLength(1);
    expect(names(afterC.rows)).toEqual(['d', 'g', 'b']);
    expect(afterC.offset).toBe(3);
    // c filtered out now: the page starts at the cursor's recorded position.
    const gone = await stores.scorecard.page(
      { namespace: ['pay'] },
      byScore,
      undefined,
      { limit: 2, offset: 1, after: 'component:default/c' },
    );
    expect(names(gone.rows)).toEqual(['g', 'h']);
    expect(gone.offset).toBe(1);
  });

  it.each<['asc' | 'desc', string[]]>([
    // fail < unknown < warn < waived < pass < not-applicable < no such check; ties by ref.
    ['asc', ['b', 'h', 'd', 'c', 'e', 'a', 'f', 'g']],
    ['desc', ['g', 'f', 'a', 'e', 'c', 'd', 'h', 'b']],
  ])(
    'sorts by a check status column, worst first, %s',
    async (order, expected) => {
      queries.length = 0;
      const page = await stores.scorecard.page(
        {},
        { sort: 'check:security.mtls', order },
        undefined,
        all,
      );
      expect(queries).toHaveLength(1);
      expect(names(page.rows)).toEqual(expected);
      // The CSV and the ref list sort the same way.
      expect(
        names(
          await stores.scorecard.allRows(
            {},
            { sort: 'check:security.mtls', order },
            undefined,
          ),
        ),
      ).toEqual(expected);
    },
  );

  it('pages a check sort with a cursor', async () => {
    const first = await stores.scorecard.page(
      {},
      { sort: 'check:mesh.enrollment', order: 'asc' },
      undefined,
      { limit: 3, offset: 0 },
    );
    expect(names(first.rows)).toEqual(['c', 'f', 'g']);
    const next = await stores.scorecard.page(
      {},
      { sort: 'check:mesh.enrollment', order: 'asc' },
      undefined,
      { limit: 3, offset: 3, after: 'component:default/g' },
    );
    expect(names(next.rows)).toEqual(['h', 'a', 'b']);
  });

  it('refuses a sort that is no column or check id, before any SQL', async () => {
    queries.length = 0;
    await expect(
      stores.scorecard.page(
        {},
        { sort: `check:x') or 1=1 --` as `check:${string}`, order: 'asc' },
        undefined,
        all,
      ),
    ).rejects.toThrow('not a check id');
    await expect(
      stores.scorecard.page(
        {},
        { sort: 'toString' as 'score', order: 'asc' },
        undefined,
        all,
      ),
    ).rejects.toThrow('not a scorecard column');
    expect(queries).toHaveLength(0);
  });
});
