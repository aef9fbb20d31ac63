/**
 * Two backend replicas on one PostgreSQL database, as in a scaled-out deployment: the
 * scheduler runs each cluster's collection on one replica per cycle (never on both),
 * and both replicas serve the same reports.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabase } from 'mesh-devtools/databases';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT, Scenario } from './scenario';
import { startScenarioSources } from './sources';

const FREQUENCY_S = 3;
const OBSERVE_S = 16;

/** The multi-cluster scenario, with every cluster served by the fixture API. */
function liveScenario(): Scenario {
  const s = loadScenario(path.join(REPO_ROOT, 'test/scenarios/multi-cluster'));
  return {
    ...s,
    clusters: s.clusters.map(c => ({
      ...c,
      source: 'api' as const,
      forbidden: [],
    })),
  };
}

describe('two replicas on one PostgreSQL', () => {
  const scenario = liveScenario();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sources: Awaited<ReturnType<typeof startScenarioSources>>;
  const replicas: TestBackend[] = [];
  let started = 0;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    sources = await startScenarioSources(scenario);
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startMeshBackend({
          entities: scenario.entities,
          knex: i === 0 ? db.knex : db.connect!(),
          realScheduler: true,
          mesh: {
            schedule: {
              frequency: { seconds: FREQUENCY_S },
              timeout: { seconds: 30 },
            },
            clusters: sources.clusters,
          },
        }),
      );
    }
    started = Date.now();
    await new Promise(r => setTimeout(r, OBSERVE_S * 1000));
  }, 120_000);

  afterAll(async () => {
    for (const r of replicas) await r.stop();
    await sources?.stop();
    await db?.dispose();
  });

  it('collects each cluster once per cycle, not once per replica', () => {
    const elapsed = (Date.now() - started) / 1000;
    const cycles = Math.floor(elapsed / FREQUENCY_S) + 1;
    for (const cluster of scenario.clusters) {
      // Every collection lists namespaces exactly once.
      const collections = sources
        .kubeRequests(cluster.name)
        .filter(r => r.startsWith('/api/v1/namespaces?')).length;
      expect({
        cluster: cluster.name,
        atLeastTwo: collections >= 2,
        atMostOnePerCycle: collections <= cycles,
      }).toEqual({
        cluster: cluster.name,
        atLeastTwo: true,
        atMostOnePerCycle: true,
      });
    }
  });

  it('serves the same report from both replicas', async () => {
    const [a, b] = await Promise.all(
      replicas.map(r =>
        request(r.server)
          .get('/api/mesh/v1/reports/component/default/checkout')
          .set('Authorization', mockCredentials.user.header()),
      ),
    );
    expect(a.status).toBe(200);
    expect(
      a.body.workloads.map((w: { cluster: string }) => w.cluster).sort(),
    ).toEqual(['eu', 'us']);
    expect(b.body).toEqual(a.body);
  });
});
