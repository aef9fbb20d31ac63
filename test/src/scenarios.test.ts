import { mockCredentials } from '@backstage/backend-test-utils';
import { MeshReport, RefreshResponse } from '@mesh-readiness/plugin-mesh-common';
import request from 'supertest';
import { startPrometheus } from '../../scripts/lib/prometheus';
import { toOpenMetrics } from '../../scripts/lib/metrics';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, SCENARIO_DIRS } from './scenario';

const AUTH = () => mockCredentials.user.header();

describe.each(SCENARIO_DIRS.map(loadScenario).map(s => [s.name, s] as const))(
  'scenario %s',
  (_name, scenario) => {
    let prometheus: Awaited<ReturnType<typeof startPrometheus>> | undefined;
    let backend: TestBackend;
    let refresh: RefreshResponse;

    beforeAll(async () => {
      if (scenario.metrics) {
        const end = Math.floor(Date.now() / 1000);
        prometheus = await startPrometheus({
          openMetrics: toOpenMetrics(scenario.metrics, { start: end - 900, end, step: 15 }),
        });
      }
      backend = await startMeshBackend({
        entities: scenario.entities,
        mesh: {
          window: '5m',
          clusters: [
            {
              name: 'scenario',
              kubernetes: { manifestsDir: scenario.kubernetesDir },
              ...(prometheus ? { prometheus: { url: prometheus.url } } : {}),
            },
          ],
        },
      });
      const res = await request(backend.server)
        .post('/api/mesh/v1/refresh')
        .set('Authorization', AUTH())
        .send({});
      expect(res.status).toBe(200);
      refresh = res.body;
    }, 120_000);

    afterAll(async () => {
      await backend?.stop();
      await prometheus?.stop();
    });

    it('reports the outcome of the collection per cluster', () => {
      expect(refresh.clusters).toHaveLength(1);
      expect(refresh.clusters[0].name).toBe('scenario');
    });

    it.each(Object.entries(scenario.expected.entities))('%s matches expected.yaml', async (ref, expected) => {
      const [kind, rest] = ref.split(':');
      const [namespace, name] = rest.split('/');
      const res = await request(backend.server)
        .get(`/api/mesh/v1/reports/${kind}/${namespace}/${name}`)
        .set('Authorization', AUTH());
      expect(res.status).toBe(200);
      const report: MeshReport = res.body;
      const statuses = Object.fromEntries(report.checks.map(c => [c.id, c.status]));
      expect(statuses).toMatchObject(expected.checks);
      if (expected.provider) expect(report.mesh.provider).toBe(expected.provider);
      if (expected.dataPlane) expect(report.mesh.dataPlane).toBe(expected.dataPlane);
      if (expected.health) expect(report.health.status).toBe(expected.health);
      if (expected.readiness) expect(report.readiness.level).toBe(expected.readiness);
      if (expected.pods !== undefined) {
        expect(report.workloads.reduce((s, w) => s + w.pods, 0)).toBe(expected.pods);
      }
      if (expected.meshedPods !== undefined) {
        expect(report.workloads.reduce((s, w) => s + w.meshedPods, 0)).toBe(expected.meshedPods);
      }
      for (const [id, words] of Object.entries(expected.summaries ?? {})) {
        expect(report.checks.find(c => c.id === id)?.summary).toContain(words);
      }
      for (const [id, words] of Object.entries(expected.remediations ?? {})) {
        expect(report.checks.find(c => c.id === id)?.remediation).toContain(words);
      }
      // Whatever the scenario, an `unknown` always says why.
      for (const c of report.checks.filter(x => x.status === 'unknown')) {
        expect(c.summary.length).toBeGreaterThan(10);
      }
      if (report.health.status !== 'unknown' && report.health.status !== 'idle') {
        expect(report.health.requestsPerSecond).toBeGreaterThan(0);
        expect(report.health.latencyMs.p99).toBeGreaterThan(0);
      }
    });

    it('lists the sources of the run as expected.yaml says', async () => {
      const first = Object.keys(scenario.expected.entities).find(ref => {
        const e = scenario.entities.find(x => `${x.kind}:${x.metadata.namespace}/${x.metadata.name}`.toLowerCase() === ref);
        return e?.metadata.annotations?.['backstage.io/kubernetes-id'] || e?.metadata.annotations?.['backstage.io/kubernetes-label-selector'];
      });
      expect(first).toBeDefined();
      const [kind, rest] = first!.split(':');
      const res = await request(backend.server)
        .get(`/api/mesh/v1/reports/${kind}/${rest}`)
        .set('Authorization', AUTH());
      const sources: MeshReport['sources'] = res.body.sources;
      expect(sources.map(s => s.name).sort()).toEqual(
        scenario.metrics ? ['kubernetes', 'prometheus'] : ['kubernetes'],
      );
      for (const [name, want] of Object.entries(scenario.expected.sources ?? {})) {
        const got = sources.find(s => s.name === name);
        expect(got?.ok).toBe(want.ok);
        if (want.errorContains) expect(got?.error).toContain(want.errorContains);
      }
    });
  },
);
