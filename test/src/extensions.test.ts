import { mockCredentials } from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import {
  InstantQueryResult,
  MeshCheck,
  meshChecksExtensionPoint,
  meshSourcesExtensionPoint,
  PromQuerier,
} from '@mesh-readiness/plugin-mesh-node';
import path from 'node:path';
import request from 'supertest';
import { startPrometheus } from 'mesh-devtools/prometheus';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();

/** An adopter's check: every workload runs at least three pods. */
const replicasCheck: MeshCheck = {
  definition: {
    id: 'acme.min-replicas',
    title: 'Workloads run three or more pods',
    category: 'workload',
    checklistLine: 'PDBs and replicas absorb rolling restarts',
    sources: ['kubernetes'],
  },
  requiredKinds: ['Pod'],
  evaluate(ctx) {
    const single = ctx.workloads.filter(w => w.workload.pods.length < 3);
    return single.length === 0
      ? {
          status: 'pass',
          summary: 'Every workload runs 3+ pods.',
          evidence: {},
        }
      : {
          status: 'warn',
          summary: `${single
            .map(w => `${w.workload.namespace}/${w.workload.name}`)
            .join(', ')} run(s) fewer than three pods.`,
          evidence: { single: single.map(w => w.workload.name) },
          remediation: single
            .map(
              w =>
                `kubectl scale ${w.workload.kind.toLowerCase()}/${
                  w.workload.name
                } -n ${w.workload.namespace} --replicas=3`,
            )
            .join('\n'),
        };
  },
};

describe('extension points, through real backend modules', () => {
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;
  let backend: TestBackend;
  const queries: string[] = [];

  beforeAll(async () => {
    const end = Math.floor(Date.now() / 1000);
    prometheus = await startPrometheus({
      openMetrics: toOpenMetrics(demo.clusters[0].metrics!, {
        start: end - 900,
        end,
        step: 15,
      }),
    });
    const url = prometheus.url;
    const checksModule = createBackendModule({
      pluginId: 'mesh',
      moduleId: 'acme-checks',
      register(env) {
        env.registerInit({
          deps: { checks: meshChecksExtensionPoint },
          async init({ checks }) {
            checks.addChecks(replicasCheck);
          },
        });
      },
    });
    // A Thanos- or Mimir-style endpoint behind a tenant header: the adopter supplies
    // the client, the plugin keeps its queries and parsing.
    const querierModule = createBackendModule({
      pluginId: 'mesh',
      moduleId: 'acme-thanos',
      register(env) {
        env.registerInit({
          deps: { sources: meshSourcesExtensionPoint },
          async init({ sources }) {
            sources.addPromQuerier(cluster => {
              if (
                cluster.config.getOptionalString('extensions.acme.tenant') !==
                'shop'
              )
                return undefined;
              const querier: PromQuerier = {
                async instantQuery(promql, at): Promise<InstantQueryResult> {
                  queries.push(promql);
                  const res = await fetch(`${url}/api/v1/query`, {
                    method: 'POST',
                    headers: {
                      'content-type': 'application/x-www-form-urlencoded',
                      'X-Scope-OrgID': 'shop',
                    },
                    body: new URLSearchParams({
                      query: promql,
                      time: String(at.getTime() / 1000),
                    }),
                  });
                  const body = await res.json();
                  return {
                    samples: body.data.result.map(
                      (r: {
                        metric: Record<string, string>;
                        value: [number, string];
                      }) => ({
                        labels: r.metric,
                        value: Number(r.value[1]),
                      }),
                    ),
                    dropped: 0,
                    warnings: [],
                  };
                },
              };
              return querier;
            });
          },
        });
      },
    });
    backend = await startMeshBackend({
      entities: demo.entities,
      features: [checksModule, querierModule],
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
            // Not reachable: every query must go through the adopter's querier.
            prometheus: { url: 'http://127.0.0.1:9' },
            extensions: { acme: { tenant: 'shop' } },
          },
        ],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await prometheus?.stop();
  });

  it('runs a check added by a module and reports it, with the built-in ones', async () => {
    const refresh = await request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', AUTH())
      .send({});
    expect(refresh.status).toBe(200);
    expect(refresh.body.clusters).toEqual([{ name: 'demo', ok: true }]);

    const checks = await request(backend.server)
      .get('/api/mesh/v1/checks')
      .set('Authorization', AUTH());
    expect(checks.body.checks.map((c: { id: string }) => c.id)).toContain(
      'acme.min-replicas',
    );

    const checkout: MeshReport = (
      await request(backend.server)
        .get('/api/mesh/v1/reports/component/default/checkout')
        .set('Authorization', AUTH())
    ).body;
    expect(
      checkout.checks.find(c => c.id === 'acme.min-replicas'),
    ).toMatchObject({ status: 'pass', category: 'workload' });
    // Listed after the built-in checks.
    const ids = checkout.checks.map(c => c.id);
    expect(ids[0]).toBe('mesh.enrollment');
    expect(ids.indexOf('acme.min-replicas')).toBe(ids.length - 1);
    expect(ids).toContain('observability.metrics');
    const payments: MeshReport = (
      await request(backend.server)
        .get('/api/mesh/v1/reports/component/default/payments')
        .set('Authorization', AUTH())
    ).body;
    const custom = payments.checks.find(c => c.id === 'acme.min-replicas')!;
    expect(custom.status).toBe('warn');
    expect(custom.remediation).toBe(
      'kubectl scale deployment/payments -n payments --replicas=3',
    );
  });

  it('sends the query catalog through the adopter’s PromQL client', async () => {
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.some(q => q.includes('istio_requests_total'))).toBe(true);
    const checkout: MeshReport = (
      await request(backend.server)
        .get('/api/mesh/v1/reports/component/default/checkout')
        .set('Authorization', AUTH())
    ).body;
    expect(checkout.health.status).toBe('healthy');
    expect(checkout.health.requestsPerSecond).toBeGreaterThan(0);
  });
});
