import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { createTestDatabase } from 'mesh-devtools/databases';
import { MeshStores, openStores } from '../store';
import { ReportReadPermission } from './reportReads';
import { csvCell, ScorecardService } from './ScorecardService';

function report(name: string, score: number): MeshReport {
  return {
    entityRef: `component:default/${name}`,
    generatedAt: '2026-11-25T10:00:00.000Z',
    stale: false,
    mesh: { provider: 'istio', dataPlane: 'sidecar' },
    workloads: [
      {
        cluster: 'eu',
        namespace: 'shop',
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
      {
        id: 'security.mtls',
        title: 'mTLS',
        category: 'security',
        status: score > 50 ? 'pass' : 'fail',
        summary: '',
        evidence: {},
      },
    ],
    readiness: {
      score,
      level: 'production-ready',
      passed: 1,
      applicable: 1,
    },
    sources: [],
  };
}

const NAMES = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
/** What the fake catalog lets each user see. */
const SEES: Record<string, (name: string) => boolean> = {
  'user:default/alice': () => true,
  'user:default/bob': name => ['b', 'd', 'f'].includes(name),
};

describe('ScorecardService', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: MeshStores;
  let service: ScorecardService;
  const catalogCalls: number[] = [];
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    stores = await openStores(db.knex);
    await stores.reports.saveReports(
      NAMES.map((n, i) => report(n, 10 * (i + 1))),
      new Map(
        NAMES.map(n => [
          `component:default/${n}`,
          {
            kind: 'component',
            title: n === 'c' ? '=HYPERLINK("x")' : `Service ${n}`,
            owner: n < 'd' ? 'group:default/team-a' : 'group:default/team-b',
            system: '',
            domain: '',
          },
        ]),
      ),
    );
    const catalog = {
      async getEntitiesByRefs(
        request: { entityRefs: string[] },
        options: { credentials: typeof alice },
      ) {
        catalogCalls.push(request.entityRefs.length);
        const user = (
          options.credentials.principal as { userEntityRef: string }
        ).userEntityRef;
        return {
          items: request.entityRefs.map(ref => {
            const { kind, namespace, name } = parseEntityRef(ref);
            return SEES[user]?.(name)
              ? { apiVersion: 'v1', kind, metadata: { namespace, name } }
              : undefined;
          }),
        };
      },
    } as unknown as CatalogService;
    service = new ScorecardService({
      catalog,
      scorecard: stores.scorecard,
      history: stores.history,
      checkIds: () => ['security.mtls', 'mesh.enrollment'],
      reads: new ReportReadPermission({
        permissions: mockServices.permissions(),
      }),
    });
  });

  afterAll(async () => {
    await db?.dispose();
  });

  const query = {
    sort: 'score' as const,
    order: 'desc' as const,
    limit: 3,
    offset: 0,
  };

  it('pages with a cursor through every row once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await service.page({ ...query, cursor }, alice);
      expect(page.total).toBe(7);
      seen.push(...page.rows.map(r => r.entityRef.split('/')[1]));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['g', 'f', 'e', 'd', 'c', 'b', 'a']);
  });

  it('pages with limit and offset', async () => {
    const page = await service.page({ ...query, offset: 5 }, alice);
    expect(page.rows.map(r => r.entityRef)).toEqual([
      'component:default/b',
      'component:default/a',
    ]);
    expect(page.nextCursor).toBeUndefined();
  });

  it('shows a user only the rows the catalog shows them, totals included', async () => {
    const page = await service.page({ ...query, limit: 50 }, bob);
    expect(page.rows.map(r => r.entityRef)).toEqual([
      'component:default/f',
      'component:default/d',
      'component:default/b',
    ]);
    expect(page.total).toBe(3);
    expect((await service.summary({}, bob)).entities).toBe(3);
    const { rollups } = await service.rollups('group', {}, bob);
    expect(rollups.map(r => [r.key, r.entities])).toEqual([
      ['group:default/team-a', 1],
      ['group:default/team-b', 2],
    ]);
    expect(
      await service.csv({ sort: 'score', order: 'asc' }, bob),
    ).not.toContain('component:default/a');
  });

  it('asks the catalog once per caller within the cache time', async () => {
    const before = catalogCalls.length;
    await service.page(query, alice);
    await service.summary({}, alice);
    expect(catalogCalls.length).toBe(before);
  });

  it('serves a page in one query once it knows what the caller sees', async () => {
    const queries: string[] = [];
    const count = (q: { sql: string }) => queries.push(q.sql);
    db.knex.on('query', count);
    try {
      const carol = mockCredentials.user('user:default/carol');
      // Cold: the refs to ask the catalog about, then the page.
      await service.page({ ...query, owner: ['team-a'] }, carol);
      expect(queries).toHaveLength(2);
      queries.length = 0;
      const page = await service.page(
        { ...query, owner: ['team-a'], sort: 'check:security.mtls' },
        alice,
      );
      expect(queries).toHaveLength(1);
      expect(page.total).toBe(3);
    } finally {
      db.knex.off('query', count);
    }
  });

  it('finds owners however the ref is spelled', async () => {
    for (const owner of ['team-a', 'group:team-a', 'Group:default/Team-A']) {
      expect(
        (await service.page({ ...query, owner: [owner] }, alice)).total,
      ).toBe(3);
    }
  });

  it('refuses a cursor it did not make', async () => {
    await expect(
      service.page({ ...query, cursor: 'not-a-cursor' }, alice),
    ).rejects.toThrow('cursor: not a cursor');
  });

  it('exports CSV with a header, escaped cells and one column per check', async () => {
    const csv = await service.csv({ sort: 'entityRef', order: 'asc' }, alice);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(
      'entityRef,title,kind,owner,system,domain,namespaces,clusters,provider,dataPlane,score,level,coverage,stale,generatedAt,security.mtls,mesh.enrollment',
    );
    expect(lines).toHaveLength(9); // header, 7 rows, the final CRLF
    expect(lines[3]).toBe(
      `component:default/c,"'=HYPERLINK(""x"")",component,group:default/team-a,,,shop,eu,istio,sidecar,30,production-ready,,false,2026-11-25T10:00:00.000Z,fail,`,
    );
  });

  it('serves the fleet’s trend for the days asked to a caller who sees an entity, none to one who sees none', async () => {
    await stores.history.recordFleet('2026-11-01');
    await stores.history.recordFleet('2026-11-25');
    const now = new Date('2026-11-25T12:00:00.000Z');
    const month = await service.fleetHistory(30, bob, now);
    expect(month).toEqual({
      days: 30,
      points: [
        expect.objectContaining({ day: '2026-11-01', entities: 7 }),
        expect.objectContaining({ day: '2026-11-25', entities: 7 }),
      ],
    });
    // 7 days: from 2026-11-19.
    expect(
      (await service.fleetHistory(7, alice, now)).points.map(p => p.day),
    ).toEqual(['2026-11-25']);
    expect(
      await service.fleetHistory(
        30,
        mockCredentials.user('user:default/nobody'),
        now,
      ),
    ).toEqual({ days: 30, points: [] });
  });

  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['=1+1', "'=1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2', "'-2"],
    ['', ''],
  ])('escapes the CSV cell %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
