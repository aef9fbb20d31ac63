/**
 * `mesh.collector.worker: true`: the runs execute in a worker thread with its own
 * connection to the plugin's database. Scenarios that cover every source (the Kubernetes
 * API and manifests, Prometheus, tracing, several clusters) must give exactly the
 * reports expected.yaml names, as they do when the runs execute in the backend's thread
 * (scenarios.test.ts).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { createTestDatabase } from 'mesh-devtools/databases';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { actualFor, loadScenario, REPO_ROOT } from './scenario';
import { startScenarioSources } from './sources';

const AUTH = () => mockCredentials.user.header();
const SCENARIOS = [
  'multi-cluster',
  'istio-many-gaps',
  'propagation-broken-istio',
  'double-instrumentation-otel',
];

describe.each(SCENARIOS)(
  'scenario %s collected in a worker thread, on PostgreSQL',
  name => {
    const scenario = loadScenario(path.join(REPO_ROOT, 'test/scenarios', name));
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let sources: Awaited<ReturnType<typeof startScenarioSources>>;
    let backend: TestBackend;
    let refresh: request.Response;
    const logs: Array<{ level: string; message: string; meta?: unknown }> = [];

    beforeAll(async () => {
      db = await createTestDatabase('postgres');
      sources = await startScenarioSources(scenario);
      backend = await startMeshBackend({
        entities: scenario.entities,
        knex: db.knex,
        logs,
        mesh: {
          window: '5m',
          collector: { worker: true },
          clusters: sources.clusters,
          ...(scenario.attestations
            ? { attestations: scenario.attestations }
            : {}),
        },
      });
      refresh = await request(backend.server)
        .post('/api/mesh/v1/refresh')
        .set('Authorization', AUTH())
        .send({});
    }, 120_000);

    afterAll(async () => {
      await backend?.stop();
      await sources?.stop();
      await db?.dispose();
    });

    it('runs the collection in the worker and reports every cluster', () => {
      expect(refresh.status).toBe(200);
      expect(
        refresh.body.clusters.map((c: { name: string }) => c.name),
      ).toEqual(scenario.clusters.map(c => c.name));
      expect(logs.map(l => l.message)).toContain(
        'Mesh collections run in a worker thread',
      );
      // The run's own log line comes from the worker.
      const stored = logs.filter(l =>
        /^Mesh collection of .* stored \d+ report\(s\)/.test(l.message),
      );
      expect(stored.length).toBeGreaterThan(0);
      expect(
        stored.every(l => (l.meta as any)?.thread === 'collection-worker'),
      ).toBe(true);
    }, 120_000);

    it('gives every entity the report expected.yaml names', async () => {
      for (const [ref, expected] of Object.entries(
        scenario.expected.entities,
      )) {
        const [kind, rest] = ref.split(':');
        const [namespace, entityName] = rest.split('/');
        const res = await request(backend.server)
          .get(`/api/mesh/v1/reports/${kind}/${namespace}/${entityName}`)
          .set('Authorization', AUTH());
        expect(res.status).toBe(200);
        const report: MeshReport = res.body;
        expect({ ref, ...actualFor(report, expected) }).toEqual({
          ref,
          ...expected,
        });
      }
    });
  },
);
