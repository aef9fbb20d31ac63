import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import techInsightsPlugin from '@backstage-community/plugin-tech-insights-backend';
import jsonRulesEngineModule from '@backstage-community/plugin-tech-insights-backend-module-jsonfc';
import meshPlugin from '@mesh-readiness/plugin-mesh-backend';
import techInsightsModuleMesh, {
  MESH_FACT_RETRIEVER_ID,
} from '@mesh-readiness/plugin-mesh-backend-module-tech-insights';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { loadScenario, REPO_ROOT } from './scenario';
import { startScenarioSources } from './sources';

const AUTH = () => mockCredentials.user.header();
const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
/** The example config as shipped: the schedule and the "Mesh production-ready" checks. */
const techInsightsConfig = parse(
  fs.readFileSync(path.join(REPO_ROOT, 'docs/tech-insights.yaml'), 'utf8'),
).techInsights;

const CHECKS = [
  'meshProductionReady',
  'meshScoreAtLeast90',
  'meshMtls',
  'meshAuthorization',
  'meshTracePropagation',
];

interface CheckRun {
  check: { id: string };
  result: boolean;
  facts: Record<string, { value: unknown; type: string }>;
}

/**
 * The demo's mesh plugin next to the real tech-insights backend, the jsonfc checker with
 * the example checks, and the mesh module. Each plugin has its own SQLite database, as in
 * a real backend; the scheduler is the test mock, run by hand.
 */
describe('the Tech Insights module on the demo', () => {
  const scheduler = mockServices.scheduler();
  const knexes: Knex[] = [];
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let sources: Awaited<ReturnType<typeof startScenarioSources>>;
  const reports = new Map<string, MeshReport>();

  const facts = async (ref: string) => {
    const res = await request(backend.server)
      .get('/api/tech-insights/facts/latest')
      .query({ entity: ref, 'ids[]': MESH_FACT_RETRIEVER_ID })
      .set('Authorization', AUTH());
    expect(res.status).toBe(200);
    return res.body[MESH_FACT_RETRIEVER_ID]?.facts as
      | Record<string, unknown>
      | undefined;
  };
  const runChecks = async (ref: string): Promise<Record<string, CheckRun>> => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const res = await request(backend.server)
      .post(`/api/tech-insights/checks/run/${namespace}/${kind}/${name}`)
      .set('Authorization', AUTH())
      .send({ checks: CHECKS });
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body as CheckRun[]).map(r => [r.check.id, r]),
    );
  };

  beforeAll(async () => {
    sources = await startScenarioSources(demo);
    const collected: Record<string, unknown> = {
      clusters: sources.clusters,
      attestations: demo.attestations,
    };
    backend = await startTestBackend({
      features: [
        meshPlugin,
        techInsightsPlugin,
        jsonRulesEngineModule,
        techInsightsModuleMesh,
        // The mock, without its run of every task at startup: facts before the
        // mesh's first collection would be none.
        createServiceFactory({
          service: coreServices.scheduler,
          deps: {},
          factory: () => scheduler,
        }),
        createServiceFactory({
          service: coreServices.database,
          deps: {},
          factory() {
            const knex = knexFactory({
              client: 'better-sqlite3',
              connection: { filename: ':memory:' },
              useNullAsDefault: true,
            });
            knexes.push(knex);
            return { getClient: async () => knex };
          },
        }),
        catalogServiceMock.factory({ entities: demo.entities }),
        mockServices.rootConfig.factory({
          data: {
            mesh: {
              window: '5m',
              // The test refreshes the mesh itself.
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 1 },
                initialDelay: { hours: 24 },
              },
              ...collected,
            },
            techInsights: techInsightsConfig,
          },
        }),
      ],
    });
    const refreshed = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', AUTH())
      .send({});
    if (refreshed.status !== 200)
      throw new Error(`refresh answered ${refreshed.status}`);
    for (const ref of [
      'component:default/checkout',
      'component:default/recommendations',
    ]) {
      const res = await request(backend.server)
        .get(`/api/mesh/v1/reports/${ref.replace(/[:]/, '/')}`)
        .set('Authorization', AUTH());
      reports.set(ref, res.body);
    }
    // What the tech-insights scheduler would run on the cadence.
    await scheduler.triggerTask(MESH_FACT_RETRIEVER_ID);
  }, 180_000);

  afterAll(async () => {
    await backend?.stop();
    await sources?.stop();
    await Promise.all(knexes.map(k => k.destroy()));
  });

  it('stores the fact schema of the retriever', async () => {
    const res = await request(backend.server)
      .get('/api/tech-insights/fact-schemas')
      .query({ 'ids[]': MESH_FACT_RETRIEVER_ID })
      .set('Authorization', AUTH());
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({
      id: MESH_FACT_RETRIEVER_ID,
      meshScore: { type: 'integer' },
      meshProductionReady: { type: 'boolean' },
      meshCheck_security_mtls: { type: 'boolean' },
      meshPropagationRatio: { type: 'float' },
    });
  });

  it('publishes the facts of a production-ready entity', async () => {
    const report = reports.get('component:default/checkout')!;
    expect(report.readiness.level).toBe('production-ready');
    const checkout = await facts('component:default/checkout');
    expect(checkout).toMatchObject({
      meshScore: report.readiness.score,
      meshLevel: 'production-ready',
      meshProductionReady: true,
      meshReportStale: false,
      meshCheck_security_mtls: true,
      meshCheck_security_authorization: true,
      meshCheck_observability_trace_propagation: true,
      // Double instrumentation only warns on checkout (demo/expected.yaml).
      meshCheck_observability_double_instrumentation: false,
      meshPropagationRatio: evidence(
        report,
        'observability.trace-propagation',
        'propagationRatio',
      ),
      meshDoubleInstrumentedSeries: evidence(
        report,
        'observability.double-instrumentation',
        'appSeries',
      ),
    });
    expect(checkout!.meshPropagationRatio).toBeGreaterThanOrEqual(0.99);
    expect(checkout!.meshDoubleInstrumentedSeries).toBeGreaterThan(0);
    // One boolean per check of the report, each saying whether it passes.
    for (const c of report.checks) {
      expect([
        c.id,
        checkout![`meshCheck_${c.id.replace(/[.-]/g, '_')}`],
      ]).toEqual([c.id, c.status === 'pass' || c.status === 'not-applicable']);
    }
  });

  it('publishes the facts of a not-ready entity', async () => {
    const report = reports.get('component:default/recommendations')!;
    expect(report.readiness.level).toBe('not-ready');
    expect(await facts('component:default/recommendations')).toMatchObject({
      meshScore: report.readiness.score,
      meshLevel: 'not-ready',
      meshProductionReady: false,
      meshCheck_security_mtls: true,
      meshCheck_security_authorization: false,
      meshCheck_observability_trace_propagation: false,
      // 5 of 37 hand-offs break the trace context.
      meshPropagationRatio: Math.round((32 / 37) * 10000) / 10000,
    });
  });

  it('publishes nothing for an entity without a report', async () => {
    // The mesh reports on Components, Resources and Systems, never on a Group.
    expect(await facts('group:default/team-shop')).toBeUndefined();
  });

  it('passes every mesh check of the scorecard for the production-ready entity', async () => {
    const runs = await runChecks('component:default/checkout');
    expect(
      Object.fromEntries(CHECKS.map(id => [id, runs[id]?.result])),
    ).toEqual({
      meshProductionReady: true,
      meshScoreAtLeast90: true,
      meshMtls: true,
      meshAuthorization: true,
      meshTracePropagation: true,
    });
    expect(runs.meshMtls.facts).toEqual({
      meshCheck_security_mtls: expect.objectContaining({
        value: true,
        type: 'boolean',
      }),
    });
  });

  it('fails the checks the not-ready entity does not meet', async () => {
    const report = reports.get('component:default/recommendations')!;
    const runs = await runChecks('component:default/recommendations');
    expect(
      Object.fromEntries(CHECKS.map(id => [id, runs[id]?.result])),
    ).toEqual({
      meshProductionReady: false,
      meshScoreAtLeast90: report.readiness.score >= 90,
      meshMtls: true,
      meshAuthorization: false,
      meshTracePropagation: false,
    });
  });

  it('runs no mesh check for an entity without facts', async () => {
    expect(await runChecks('group:default/team-shop')).toEqual({});
  });
});

function evidence(report: MeshReport, checkId: string, field: string) {
  return report.checks.find(c => c.id === checkId)?.evidence[field];
}
