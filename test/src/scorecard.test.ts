import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  MeshReport,
  ScorecardPage,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();

/**
 * The demo catalog, with the shop System placed in a Domain (the scorecard's domain
 * comes from the system entity) and payments' components in a second System.
 */
const entities: Entity[] = [
  ...demo.entities.map(e => {
    if (e.kind === 'System')
      return { ...e, spec: { ...e.spec, domain: 'commerce' } };
    if (e.kind === 'Component' && e.spec?.owner === 'team-payments')
      return { ...e, spec: { ...e.spec, system: 'billing' } };
    return e;
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'billing' },
    spec: { owner: 'team-payments' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: 'commerce' },
    spec: { owner: 'team-shop' },
  },
];

const get = (backend: TestBackend, url: string) =>
  request(backend.server).get(url).set('Authorization', AUTH());

describe('the fleet scorecard API', () => {
  let backend: TestBackend;
  /** The stored reports, by ref: what every row must agree with. */
  const reports = new Map<string, MeshReport>();
  let all: ScorecardRow[];

  const page = async (query: string): Promise<ScorecardPage> => {
    const res = await get(backend, `/api/mesh/v1/scorecard?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const refsOf = async (query: string) =>
    (await page(`limit=500&${query}`)).rows.map(r => r.entityRef);
  /** The refs whose row satisfies `pred`, in ref order: the expected answer of a filter. */
  const where = (pred: (r: ScorecardRow) => boolean) =>
    all.filter(pred).map(r => r.entityRef);

  beforeAll(async () => {
    backend = await startMeshBackend({
      entities,
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
          },
        ],
      },
    });
    const refreshed = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', AUTH())
      .send({});
    if (refreshed.status !== 200)
      throw new Error(`refresh answered ${refreshed.status}`);
    all = (await page('limit=500')).rows;
    for (const row of all) {
      const [kind, rest] = row.entityRef.split(':');
      const res = await get(backend, `/api/mesh/v1/reports/${kind}/${rest}`);
      reports.set(row.entityRef, res.body);
    }
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('has one row per collected entity, agreeing with its stored report', () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const row of all) {
      const r = reports.get(row.entityRef)!;
      expect(row).toMatchObject({
        provider: r.mesh.provider,
        dataPlane: r.mesh.dataPlane,
        score: r.readiness.score,
        level: r.readiness.level,
        stale: r.stale,
        generatedAt: r.generatedAt,
        namespaces: [...new Set(r.workloads.map(w => w.namespace))].sort(),
        clusters: [...new Set(r.workloads.map(w => w.cluster))].sort(),
      });
      for (const c of r.checks) expect(row.checks[c.id]).toBeDefined();
      expect(Object.keys(row.checks)).toHaveLength(r.checks.length);
    }
  });

  it('takes owner, system and domain from the catalog relations', () => {
    const checkout = all.find(
      r => r.entityRef === 'component:default/checkout',
    );
    expect(checkout).toMatchObject({
      kind: 'component',
      title: 'checkout',
      owner: 'group:default/team-shop',
      system: 'system:default/shop',
      domain: 'domain:default/commerce',
    });
    const payments = all.find(
      r => r.entityRef === 'component:default/payments',
    );
    expect(payments).toMatchObject({
      owner: 'group:default/team-payments',
      system: 'system:default/billing',
      domain: '',
    });
  });

  it.each<[string, (r: ScorecardRow) => boolean]>([
    ['owner=team-payments', r => r.owner === 'group:default/team-payments'],
    ['owner=group:default/team-shop&owner=team-payments', r => r.owner !== ''],
    ['system=billing', r => r.system === 'system:default/billing'],
    ['domain=commerce', r => r.domain === 'domain:default/commerce'],
    ['namespace=inventory', r => r.namespaces.includes('inventory')],
    ['cluster=demo', r => r.clusters.includes('demo')],
    ['cluster=elsewhere', () => false],
    ['provider=istio', r => r.provider === 'istio'],
    ['provider=linkerd', r => r.provider === 'linkerd'],
    ['check=mesh.enrollment:pass', r => r.checks['mesh.enrollment'] === 'pass'],
    ['check=mesh.enrollment:fail', r => r.checks['mesh.enrollment'] === 'fail'],
    [
      'check=mesh.enrollment:pass&check=upgrade.disruption-budget:warn',
      r =>
        r.checks['mesh.enrollment'] === 'pass' &&
        r.checks['upgrade.disruption-budget'] === 'warn',
    ],
    ['q=CHECK', r => r.entityRef.includes('check')],
    [
      'q=payments',
      r => r.entityRef.includes('payments') || r.owner.includes('payments'),
    ],
    [
      'owner=team-shop&provider=istio',
      r => r.owner === 'group:default/team-shop' && r.provider === 'istio',
    ],
  ])('filters by %s', async (query, pred) => {
    // Every filter but the deliberate miss finds something, so none passes vacuously.
    expect(where(pred).length > 0).toBe(query !== 'cluster=elsewhere');
    expect(await refsOf(`sort=entityRef&${query}`)).toEqual(where(pred));
  });

  it('filters by level', async () => {
    for (const level of new Set(all.map(r => r.level))) {
      expect(await refsOf(`level=${level}`)).toEqual(
        where(r => r.level === level),
      );
    }
  });

  it.each([
    ['score', (r: ScorecardRow) => r.score],
    ['entityRef', (r: ScorecardRow) => r.entityRef],
    ['owner', (r: ScorecardRow) => r.owner],
    ['provider', (r: ScorecardRow) => r.provider],
  ] as const)('sorts by %s, both ways, ties by ref', async (sort, value) => {
    const cmp = (a: ScorecardRow, b: ScorecardRow) => {
      const [x, y] = [value(a), value(b)];
      if (x < y) return -1;
      if (x > y) return 1;
      return a.entityRef < b.entityRef ? -1 : 1;
    };
    const asc = [...all].sort(cmp).map(r => r.entityRef);
    expect(await refsOf(`sort=${sort}&order=asc`)).toEqual(asc);
    expect(await refsOf(`sort=${sort}&order=desc`)).toEqual([...asc].reverse());
  });

  it('paginates with limit and offset', async () => {
    const sorted = await refsOf('sort=score&order=desc');
    const first = await page('sort=score&order=desc&limit=2');
    const second = await page('sort=score&order=desc&limit=2&offset=2');
    expect(first).toMatchObject({ total: all.length, limit: 2, offset: 0 });
    expect(first.rows.map(r => r.entityRef)).toEqual(sorted.slice(0, 2));
    expect(second.rows.map(r => r.entityRef)).toEqual(sorted.slice(2, 4));
    const past = await page(`limit=2&offset=${all.length}`);
    expect(past.rows).toEqual([]);
    expect(past.nextCursor).toBeUndefined();
  });

  it('paginates with a cursor, every row once', async () => {
    const seen: string[] = [];
    let next = await page('sort=score&order=asc&limit=2');
    seen.push(...next.rows.map(r => r.entityRef));
    while (next.nextCursor) {
      next = await page(
        `sort=score&order=asc&limit=2&cursor=${encodeURIComponent(
          next.nextCursor,
        )}`,
      );
      seen.push(...next.rows.map(r => r.entityRef));
    }
    expect(seen).toEqual(await refsOf('sort=score&order=asc'));
  });

  it.each([
    ['format=csv', {}],
    ['', { Accept: 'text/csv' }],
  ])('exports CSV with %s %j', async (query, headers) => {
    const res = await get(
      backend,
      `/api/mesh/v1/scorecard?owner=team-shop&sort=score&order=desc&${query}`,
    ).set(headers);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trimEnd().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 3)).toEqual(['entityRef', 'title', 'kind']);
    expect(header).toContain('mesh.enrollment');
    const expected = [...all]
      .filter(r => r.owner === 'group:default/team-shop')
      .sort(
        (a, b) => b.score - a.score || (a.entityRef < b.entityRef ? 1 : -1),
      );
    expect(lines.slice(1).map(l => l.split(',')[0])).toEqual(
      expected.map(r => r.entityRef),
    );
    const scoreAt = header.indexOf('score');
    expect(lines.slice(1).map(l => Number(l.split(',')[scoreAt]))).toEqual(
      expected.map(r => r.score),
    );
  });

  it('answers JSON to a browser’s Accept', async () => {
    const res = await get(backend, '/api/mesh/v1/scorecard').set(
      'Accept',
      'text/html,application/xhtml+xml,*/*;q=0.8',
    );
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each([
    ['foo=1', 'Unrecognized key: "foo"'],
    ['sort=colour', 'sort'],
    ['order=up', 'order'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['offset=-1', 'offset'],
    ['check=mesh.enrollment', 'check'],
    ['check=mesh.enrollment:great', 'check'],
    ['level=DROP%20TABLE', 'level'],
    // Enum-like values are checked, not matched against nothing: a 400 names the value.
    ['level=bogus', "level.0: 'bogus' is not a readiness level"],
    ['provider=consul', "provider.0: 'consul' is not a provider"],
    ['check=security.mtlz:pass', "'security.mtlz' is not a check id"],
    ['check=security.mtls:passed', "'passed' is not a check status"],
    ['sort=check:security.mtlz', "sort: 'security.mtlz' is not a check id"],
    ['owner[a]=b', 'owner'],
    ['cursor=garbage', 'cursor'],
    ['cursor=x&offset=2', 'cursor'],
  ])('refuses ?%s with a 400 naming %s', async (query, named) => {
    const res = await get(backend, `/api/mesh/v1/scorecard?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(named);
  });

  it.each([
    ['/v1/scorecard/rollups?by=bogus', "by: 'bogus' is not a roll-up"],
    [
      '/v1/scorecard/rollups?by=group&level=bogus',
      "'bogus' is not a readiness level",
    ],
    ['/v1/scorecard/summary?check=nope:fail', "'nope' is not a check id"],
  ])('refuses %s with a 400 naming the value', async (url, named) => {
    const res = await get(backend, `/api/mesh${url}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(named);
  });

  it('sorts by a check’s status, worst first, both ways, ties by ref', async () => {
    const rank = [
      'fail',
      'unknown',
      'warn',
      'waived',
      'pass',
      'not-applicable',
    ];
    const id = 'upgrade.disruption-budget';
    const of = (r: ScorecardRow) =>
      r.checks[id] === undefined ? rank.length : rank.indexOf(r.checks[id]);
    const asc = [...all]
      .sort((a, b) => of(a) - of(b) || (a.entityRef < b.entityRef ? -1 : 1))
      .map(r => r.entityRef);
    // The demo has several statuses for it, so the order is not vacuous.
    expect(new Set(all.map(of)).size).toBeGreaterThan(2);
    expect(await refsOf(`sort=check:${id}`)).toEqual(asc);
    expect(await refsOf(`sort=check:${id}&order=desc`)).toEqual(
      [...asc].reverse(),
    );
    const first = await page(`sort=check:${id}&limit=2`);
    const next = await page(
      `sort=check:${id}&limit=2&cursor=${encodeURIComponent(
        first.nextCursor!,
      )}`,
    );
    expect([...first.rows, ...next.rows].map(r => r.entityRef)).toEqual(
      asc.slice(0, 4),
    );
  });

  it('rolls up by owner group, system and domain through the catalog relations', async () => {
    for (const [by, field] of [
      ['group', 'owner'],
      ['system', 'system'],
      ['domain', 'domain'],
    ] as const) {
      const res = await get(backend, `/api/mesh/v1/scorecard/rollups?by=${by}`);
      expect(res.status).toBe(200);
      const keys = [...new Set(all.map(r => r[field]))].sort();
      expect(res.body.rollups.map((r: { key: string }) => r.key)).toEqual(keys);
      for (const rollup of res.body.rollups) {
        const members = all.filter(r => r[field] === rollup.key);
        expect(rollup.entities).toBe(members.length);
        const average =
          members.reduce((s, r) => s + r.score, 0) / members.length;
        // The roll-up rounds its average to one decimal.
        expect(rollup.averageScore).toBe(Math.round(average * 10) / 10);
        const shares = Object.values(rollup.levels) as number[];
        expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
        const workloads = members.reduce(
          (s, r) => s + reports.get(r.entityRef)!.workloads.length,
          0,
        );
        expect(rollup.rollout.workloads).toBe(workloads);
        for (const worst of rollup.worstChecks) {
          expect(worst.failing).toBe(
            members.filter(r => r.checks[worst.id] === 'fail').length,
          );
        }
      }
    }
  });

  it('rolls up by namespace', async () => {
    const res = await get(
      backend,
      '/api/mesh/v1/scorecard/rollups?by=namespace',
    );
    expect(res.status).toBe(200);
    expect(res.body.rollups.map((r: { key: string }) => r.key)).toEqual(
      [...new Set(all.flatMap(r => r.namespaces))].sort(),
    );
  });

  it('sums the fleet', async () => {
    const res = await get(backend, '/api/mesh/v1/scorecard/summary');
    expect(res.status).toBe(200);
    expect(res.body.entities).toBe(all.length);
    const levels: Record<string, number> = {};
    for (const r of all) levels[r.level] = (levels[r.level] ?? 0) + 1;
    expect(res.body.levels).toEqual(levels);
    expect(res.body.sidecars).toEqual(
      expect.objectContaining({ count: expect.any(Number) }),
    );
    const filtered = await get(
      backend,
      '/api/mesh/v1/scorecard/summary?owner=team-payments',
    );
    expect(filtered.body.entities).toBe(
      where(r => r.owner === 'group:default/team-payments').length,
    );
  });

  it('serves the trend of a roll-up recorded by the run', async () => {
    const res = await get(
      backend,
      '/api/mesh/v1/history/rollups?by=group&key=team-shop&days=30',
    );
    expect(res.status).toBe(200);
    const members = all.filter(r => r.owner === 'group:default/team-shop');
    expect(res.body).toMatchObject({
      by: 'group',
      key: 'group:default/team-shop',
      days: 30,
      points: [
        {
          day: new Date().toISOString().slice(0, 10),
          entities: members.length,
        },
      ],
    });
    const unknown = await get(
      backend,
      '/api/mesh/v1/history/rollups?by=group&key=nobody',
    );
    expect(unknown.status).toBe(404);
  });
});
