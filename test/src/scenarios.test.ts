import { mockCredentials } from '@backstage/backend-test-utils';
import {
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import request from 'supertest';
import { startPrometheus } from 'mesh-devtools/prometheus';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import { startMeshBackend, TestBackend } from './backend';
import { ExpectedEntity, loadScenario, SCENARIO_DIRS } from './scenario';

const AUTH = () => mockCredentials.user.header();

/**
 * The report seen through the keys expected.yaml names, so that one `toEqual` compares
 * them and a mismatch shows the actual value.
 */
function actualFor(
  report: MeshReport,
  expected: ExpectedEntity,
): ExpectedEntity {
  const statuses = Object.fromEntries(report.checks.map(c => [c.id, c.status]));
  const words = (
    wanted: Record<string, string> | undefined,
    field: 'summary' | 'remediation',
  ) =>
    wanted &&
    Object.fromEntries(
      Object.entries(wanted).map(([id, w]) => {
        const text = report.checks.find(c => c.id === id)?.[field] ?? '';
        return [id, text.includes(w) ? w : text];
      }),
    );
  const actual: ExpectedEntity = {
    checks: Object.fromEntries(
      Object.keys(expected.checks).map(id => [id, statuses[id]]),
    ),
    provider: report.mesh.provider,
    dataPlane: report.mesh.dataPlane,
    health: report.health.status,
    readiness: report.readiness.level,
    pods: report.workloads.reduce((s, w) => s + w.pods, 0),
    meshedPods: report.workloads.reduce((s, w) => s + w.meshedPods, 0),
    summaries: words(expected.summaries, 'summary'),
    remediations: words(expected.remediations, 'remediation'),
  };
  return Object.fromEntries(
    Object.entries(actual).filter(([k]) => k in expected),
  ) as ExpectedEntity;
}

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
          openMetrics: toOpenMetrics(scenario.metrics, {
            start: end - 900,
            end,
            step: 15,
          }),
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
      if (res.status !== 200)
        throw new Error(`refresh answered ${res.status}: ${res.text}`);
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

    it.each(Object.entries(scenario.expected.entities))(
      '%s matches expected.yaml',
      async (ref, expected) => {
        const [kind, rest] = ref.split(':');
        const [namespace, name] = rest.split('/');
        const res = await request(backend.server)
          .get(`/api/mesh/v1/reports/${kind}/${namespace}/${name}`)
          .set('Authorization', AUTH());
        expect(res.status).toBe(200);
        const report: MeshReport = res.body;
        expect(actualFor(report, expected)).toEqual(expected);
        // Whatever the scenario, an `unknown` always says why…
        expect(
          report.checks.filter(
            c => c.status === 'unknown' && c.summary.length < 20,
          ),
        ).toEqual([]);
        // …and a judged health comes with its figures.
        const judged = !['unknown', 'idle'].includes(report.health.status);
        expect(
          judged &&
            !(
              report.health.requestsPerSecond! > 0 &&
              report.health.latencyMs.p99! > 0
            ),
        ).toBe(false);
      },
    );

    it('lists the sources of the run as expected.yaml says', async () => {
      const pickSources = (sources: MeshReport['sources']) =>
        Object.fromEntries(
          Object.entries(scenario.expected.sources ?? {}).map(([n, want]) => {
            const got = sources.find(s => s.name === n);
            const words = [want.errorContains ?? []].flat();
            return [
              n,
              {
                ok: got?.ok,
                ...(want.errorContains !== undefined
                  ? {
                      errorContains: words.every(w => got?.error?.includes(w))
                        ? want.errorContains
                        : got?.error,
                    }
                  : {}),
              },
            ];
          }),
        );
      const first = Object.keys(scenario.expected.entities).find(ref => {
        const e = scenario.entities.find(
          x =>
            `${x.kind}:${x.metadata.namespace}/${x.metadata.name}`.toLowerCase() ===
            ref,
        );
        return (
          e?.metadata.annotations?.['backstage.io/kubernetes-id'] ||
          e?.metadata.annotations?.['backstage.io/kubernetes-label-selector']
        );
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
      expect(pickSources(sources)).toEqual(scenario.expected.sources ?? {});
    });
  },
);
