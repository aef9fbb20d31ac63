import { mockCredentials } from '@backstage/backend-test-utils';
import {
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { actualFor, loadScenario, SCENARIO_DIRS } from './scenario';
import { startScenarioSources } from './sources';

const AUTH = () => mockCredentials.user.header();

describe.each(SCENARIO_DIRS.map(loadScenario).map(s => [s.name, s] as const))(
  'scenario %s',
  (_name, scenario) => {
    let sources: Awaited<ReturnType<typeof startScenarioSources>> | undefined;
    let backend: TestBackend;
    let refresh: RefreshResponse;

    beforeAll(async () => {
      sources = await startScenarioSources(scenario);
      backend = await startMeshBackend({
        entities: scenario.entities,
        mesh: {
          window: '5m',
          clusters: sources.clusters,
          // Attestations as code, when the scenario declares some.
          ...(scenario.attestations
            ? { attestations: scenario.attestations }
            : {}),
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
      await sources?.stop();
    });

    it('reports the outcome of the collection per cluster', () => {
      expect(refresh.clusters.map(c => c.name)).toEqual(
        scenario.clusters.map(c => c.name),
      );
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
      const pickSources = (list: MeshReport['sources']) =>
        Object.fromEntries(
          Object.entries(scenario.expected.sources ?? {}).map(([n, want]) => {
            // `kubernetes` in a one-cluster scenario, `eu/kubernetes` in a multi-cluster one.
            const got = list.find(
              s => s.name === n || `${s.cluster}/${s.name}` === n,
            );
            const words = [want.errorContains ?? []].flat();
            return [
              n,
              {
                ok: got?.ok,
                ...(want.partial !== undefined
                  ? { partial: got?.partial ?? false }
                  : {}),
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
        const a = e?.metadata.annotations ?? {};
        return (
          !a['backstage.io/kubernetes-cluster'] &&
          (a['backstage.io/kubernetes-id'] ||
            a['backstage.io/kubernetes-label-selector'])
        );
      });
      expect(first).toBeDefined();
      const [kind, rest] = first!.split(':');
      const res = await request(backend.server)
        .get(`/api/mesh/v1/reports/${kind}/${rest}`)
        .set('Authorization', AUTH());
      const reported: MeshReport['sources'] = res.body.sources;
      expect(reported.map(s => `${s.cluster}/${s.name}`).sort()).toEqual(
        scenario.clusters
          .flatMap(c => [
            ...(c.tracesDir ? [`${c.name}/tracing`] : []),
            `${c.name}/kubernetes`,
            ...(c.metrics ? [`${c.name}/prometheus`] : []),
          ])
          .sort(),
      );
      expect(pickSources(reported)).toEqual(scenario.expected.sources ?? {});
    });
  },
);
