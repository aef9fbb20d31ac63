import {
  computeReadiness,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import { createTestDatabase, TEST_DATABASES } from 'mesh-devtools/databases';
import { openStores } from '.';
import { ReportStore } from './ReportStore';

function report(
  entityRef: string,
  overrides: Partial<MeshReport> = {},
): MeshReport {
  const checks = [
    {
      id: 'mesh.enrollment',
      title: 'Workload enrolled in the mesh',
      category: 'mesh',
      status: 'pass' as const,
      summary: 'All 3 pods are meshed (istio sidecar).',
      evidence: { pods: 3, unicode: 'ünïcödé ✓' },
    },
  ];
  return {
    entityRef,
    generatedAt: '2026-11-25T00:00:00.000Z',
    stale: false,
    mesh: { provider: 'istio', dataPlane: 'sidecar' },
    workloads: [],
    health: {
      status: 'healthy',
      requestsPerSecond: 12.5,
      successRate: 0.999,
      latencyMs: { p50: 10, p95: 40, p99: 80 },
    },
    checks,
    readiness: computeReadiness(checks),
    sources: [],
    ...overrides,
  };
}

describe.each(TEST_DATABASES)('ReportStore on %s', kind => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: ReportStore;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = (await openStores(db.knex)).reports;
  }, 30_000);

  afterAll(async () => {
    await db?.dispose();
  });

  it('round-trips a report exactly', async () => {
    const r = report('component:default/checkout');
    await store.saveReports([r]);
    await expect(
      store.getReport('component:default/checkout'),
    ).resolves.toEqual(r);
  });

  it('gives the stored JSON as it was serialised, with its generatedAt', async () => {
    const r = report('component:default/as-stored', {
      generatedAt: '2026-11-25T01:02:03.004Z',
    });
    await store.saveReports([r]);
    await expect(
      store.getReportJson('Component:default/As-Stored'),
    ).resolves.toEqual({
      json: JSON.stringify(r),
      generatedAt: '2026-11-25T01:02:03.004Z',
    });
    await expect(
      store.getReportJson('component:default/never-collected'),
    ).resolves.toBeUndefined();
  });

  it('confirms a held report by its generatedAt, and reads it whole only once another replica wrote a new one', async () => {
    let now = 0;
    const serving = new ReportStore(db.knex, { recent: { clock: () => now } });
    const writer = new ReportStore(db.knex);
    const ref = 'component:default/replicated';
    const first = '2026-11-25T01:00:00.000Z';
    const second = '2026-11-25T02:00:00.000Z';
    await writer.saveReports([report(ref, { generatedAt: first })]);
    const selects: string[] = [];
    const onQuery = (q: { sql: string }) => {
      if (/^select/i.test(q.sql)) selects.push(q.sql);
    };
    const settled = async (n: number) => {
      for (let i = 0; i < 200 && selects.length < n; i++)
        await new Promise(r => setTimeout(r, 5));
      expect(selects).toHaveLength(n);
    };
    const generatedAtOnly =
      /^select [`"]entity_ref[`"], [`"]generated_at[`"] from/i;
    db.knex.on('query', onQuery);
    try {
      expect((await serving.getReportJson(ref))?.generatedAt).toBe(first);
      await settled(1);
      expect(selects[0]).not.toMatch(generatedAtOnly);

      now += 5_000; // due for a refresh: served, and checked behind
      expect((await serving.getReportJson(ref))?.generatedAt).toBe(first);
      await settled(2);
      expect(selects[1]).toMatch(generatedAtOnly);

      await writer.saveReports([report(ref, { generatedAt: second })]);
      selects.length = 0;
      now += 5_000; // the row holds another report: read whole behind
      expect((await serving.getReportJson(ref))?.generatedAt).toBe(first);
      await settled(2);
      expect(selects[0]).toMatch(generatedAtOnly);
      expect(selects[1]).not.toMatch(generatedAtOnly);
      // The whole read was sent; its answer replaces the held one once it arrives.
      for (
        let i = 0;
        i < 200 && (await serving.getReportJson(ref))?.generatedAt !== second;
        i++
      )
        await new Promise(r => setTimeout(r, 5));
      const held = await serving.getReportJson(ref);
      const json = JSON.stringify(report(ref, { generatedAt: second }));
      expect(held).toMatchObject({ json, generatedAt: second });
      expect(held?.bytes).toEqual(Buffer.from(json, 'utf8'));
      expect(selects).toHaveLength(2);
    } finally {
      db.knex.removeListener('query', onQuery);
    }
  });

  it('checks the held reports due together in one query', async () => {
    let now = 0;
    const serving = new ReportStore(db.knex, { recent: { clock: () => now } });
    const refs = ['a', 'b', 'c'].map(n => `component:default/checked-${n}`);
    await serving.saveReports(refs.map(ref => report(ref)));
    for (const ref of refs) await serving.getReportJson(ref);
    const selects: string[] = [];
    const onQuery = (q: { sql: string; bindings?: unknown[] }) => {
      if (/^select/i.test(q.sql)) selects.push(`${q.sql} ${q.bindings}`);
    };
    db.knex.on('query', onQuery);
    try {
      now += 5_000;
      for (const ref of refs) await serving.getReportJson(ref);
      for (let i = 0; i < 200 && selects.length < 1; i++)
        await new Promise(r => setTimeout(r, 5));
      await new Promise(r => setTimeout(r, 150));
      expect(selects).toHaveLength(1);
      for (const ref of refs) expect(selects[0]).toContain(ref);
    } finally {
      db.knex.removeListener('query', onQuery);
    }
  });

  it('finds reports whatever the case of the ref', async () => {
    await store.saveReports([report('Component:default/MixedCase')]);
    const found = await store.getReport('component:default/mixedcase');
    expect(found?.entityRef).toBe('Component:default/MixedCase');
  });

  it('answers undefined for an entity without a report', async () => {
    await expect(
      store.getReport('component:default/never-collected'),
    ).resolves.toBeUndefined();
  });

  it('replaces the previous report of an entity instead of adding a second one', async () => {
    await store.saveReports([report('component:default/payments')]);
    await store.saveReports([
      report('component:default/payments', {
        stale: true,
        staleReason: 'prometheus down',
      }),
    ]);
    const all = (await store.listReports()).filter(
      r => r.entityRef === 'component:default/payments',
    );
    expect(all).toHaveLength(1);
    expect(all[0].stale).toBe(true);
    expect(all[0].staleReason).toBe('prometheus down');
  });

  it('saves and reads many reports in batches', async () => {
    const many = Array.from({ length: 450 }, (_, i) =>
      report(`component:bulk/svc-${i}`),
    );
    await store.saveReports(many);
    const found = await store.getReports(many.map(r => r.entityRef));
    expect(found.size).toBe(450);
    expect(found.get('component:bulk/svc-449')?.entityRef).toBe(
      'component:bulk/svc-449',
    );
  });

  it('runs the migrations idempotently', async () => {
    await expect(
      openStores(db.knex).then(s => s.reports),
    ).resolves.toBeInstanceOf(ReportStore);
  });
});
