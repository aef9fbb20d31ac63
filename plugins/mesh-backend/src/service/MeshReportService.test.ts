import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  computeReadiness,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import knexFactory, { Knex } from 'knex';
import { CheckRegistry } from '../checks/registry';
import { MeshCollector } from '../collector/MeshCollector';
import { MeshStores, openStores } from '../store';
import { CatalogEntities } from './catalogEntities';
import { MeshReportService } from './MeshReportService';
import { ReportReadPermission } from './reportReads';

const MINUTE = 60_000;
const NOW = new Date('2026-11-25T12:00:00.000Z');

function entity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { type: 'service', owner: 'team-a' },
  };
}

function report(name: string, generatedAt: string): MeshReport {
  const checks = [
    {
      id: 'mesh.enrollment',
      title: 'Workload enrolled in the mesh',
      category: 'mesh',
      status: 'pass' as const,
      summary: 'All 3 pods are meshed (istio sidecar). "quoted" ünïcödé ✓',
      evidence: { pods: 3 },
    },
  ];
  return {
    entityRef: `component:default/${name}`,
    generatedAt,
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
  };
}

describe('MeshReportService reads', () => {
  let knex: Knex;
  let stores: MeshStores;
  const visible = new Map<string, Set<string>>();
  const lookups: string[] = [];
  // A catalog whose answers depend on the caller, as with permission rules.
  const catalog = {
    getEntitiesByRefs: async (
      request: { entityRefs: string[] },
      { credentials }: { credentials: { principal: any } },
    ) => {
      const who = credentials.principal.userEntityRef ?? 'service';
      return {
        items: request.entityRefs.map(ref => {
          const { name } = parseEntityRef(ref);
          lookups.push(`${who} ${name}`);
          return visible.get(who)?.has(name) ? entity(name) : undefined;
        }),
      };
    },
  } as unknown as CatalogService;

  const service = (ttlMs = 5_000, collector = {} as MeshCollector) =>
    new MeshReportService({
      entities: new CatalogEntities(catalog, { ttlMs }),
      stores,
      collector,
      registry: new CheckRegistry(),
      context: { window: '5m' } as any,
      staleAfterMs: 15 * MINUTE,
      reads: new ReportReadPermission({
        permissions: mockServices.permissions(),
      }),
    });

  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');
  const ref = (name: string) => ({
    kind: 'component',
    namespace: 'default',
    name,
  });

  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    stores = await openStores(knex);
    await stores.reports.saveReports([
      report('fresh', new Date(NOW.getTime() - MINUTE).toISOString()),
      report(
        'old',
        new Date(NOW.getTime() - 3 * 24 * 60 * MINUTE).toISOString(),
      ),
    ]);
    visible.set('user:default/alice', new Set(['fresh', 'old', 'rewritten']));
    visible.set('user:default/bob', new Set(['old']));
  });

  afterAll(async () => {
    await knex.destroy();
  });

  beforeEach(() => {
    lookups.length = 0;
  });

  it('sends a fresh report exactly as it was stored', async () => {
    const json = await service().getReportJson(ref('fresh'), alice, NOW);
    expect(json).toBe(
      JSON.stringify(
        report('fresh', new Date(NOW.getTime() - MINUTE).toISOString()),
      ),
    );
  });

  it('marks a report older than staleAfter stale, as valid JSON', async () => {
    const json = await service().getReportJson(ref('old'), alice, NOW);
    const parsed = JSON.parse(json) as MeshReport;
    expect(parsed.stale).toBe(true);
    expect(parsed.staleReason).toMatch(/3 day\(s\) old.*mesh\.staleAfter/);
    expect(parsed.checks).toEqual(report('old', '').checks);
    await expect(service().getReport(ref('old'), alice, NOW)).resolves.toEqual(
      parsed,
    );
  });

  it('asks the catalog once per caller within the TTL, and answers each caller by their own view', async () => {
    const s = service();
    await s.getReportJson(ref('fresh'), alice, NOW);
    await s.getReportJson(ref('fresh'), alice, NOW);
    await expect(s.getReportJson(ref('fresh'), bob, NOW)).rejects.toMatchObject(
      { name: 'NotFoundError' },
    );
    await expect(s.getReportJson(ref('fresh'), bob, NOW)).rejects.toMatchObject(
      { name: 'NotFoundError' },
    );
    expect(lookups).toEqual([
      'user:default/alice fresh',
      'user:default/bob fresh',
    ]);
  });

  it('answers 404 for an entity the catalog does not have, cached or not', async () => {
    for (const s of [service(), service(0)]) {
      for (let i = 0; i < 2; i++) {
        await expect(
          s.getReportJson(ref('missing'), alice, NOW),
        ).rejects.toMatchObject({
          name: 'NotFoundError',
          message: 'No entity component:default/missing in the catalog',
        });
      }
    }
    expect(lookups).toHaveLength(3);
  });

  it('keeps the reports it holds after a run of this process, and forgets them after a run elsewhere', async () => {
    const at = (minutes: number) =>
      new Date(NOW.getTime() + minutes * MINUTE).toISOString();
    await stores.reports.saveReports([report('rewritten', at(0))]);
    // Another replica's writes: not seen by this process's store as it writes.
    const elsewhere = (await openStores(knex)).reports;
    const collector = (runsHere: boolean) =>
      ({
        runsHere,
        collect: async () => {
          await elsewhere.saveReports([
            report('rewritten', at(runsHere ? 1 : 2)),
          ]);
          return { clusters: [] };
        },
      } as unknown as MeshCollector);
    const generatedAt = async (s: MeshReportService) =>
      (
        JSON.parse(
          await s.getReportJson(ref('rewritten'), alice, NOW),
        ) as MeshReport
      ).generatedAt;

    const here = service(5_000, collector(true));
    expect(await generatedAt(here)).toBe(at(0));
    await here.refresh({});
    // A run here hands its reports to what is held as it writes (ReportStore.written);
    // this one wrote through another store, so what is held is unchanged: not forgotten.
    expect(await generatedAt(here)).toBe(at(0));

    const triggering = service(5_000, collector(false));
    await triggering.refresh({});
    expect(await generatedAt(triggering)).toBe(at(2));
  });
});
