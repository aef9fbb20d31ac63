/**
 * A replica that serves reads and does not collect (mesh.collector.enabled: false),
 * beside a collecting replica on one PostgreSQL database: the deployment that keeps
 * collections off the process answering report reads. A refresh asked of the serving
 * replica is run by the collecting one and answered once it finished.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabase } from 'mesh-devtools/databases';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT, Scenario } from './scenario';
import { startScenarioSources } from './sources';

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

const namespaceLists = (
  sources: Awaited<ReturnType<typeof startScenarioSources>>,
  cluster: string,
) =>
  sources.kubeRequests(cluster).filter(r => r.startsWith('/api/v1/namespaces?'))
    .length;

describe('a serving replica beside a collecting replica', () => {
  const scenario = liveScenario();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sources: Awaited<ReturnType<typeof startScenarioSources>>;
  let collecting: TestBackend;
  let serving: TestBackend;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    sources = await startScenarioSources(scenario);
    // One scheduled run at startup, then none during the test: every later run is a
    // triggered one. (With an initial delay the scheduler's worker would sleep through
    // triggers too.)
    const schedule = { frequency: { hours: 24 }, timeout: { seconds: 30 } };
    collecting = await startMeshBackend({
      entities: scenario.entities,
      knex: db.knex,
      realScheduler: true,
      mesh: { schedule, clusters: sources.clusters },
    });
    serving = await startMeshBackend({
      entities: scenario.entities,
      knex: db.connect!(),
      realScheduler: true,
      mesh: {
        schedule,
        collector: { enabled: false },
        clusters: sources.clusters,
      },
    });
    // The startup run, on the collecting replica only.
    const started = sources;
    const deadline = Date.now() + 60_000;
    const collectedAll = () =>
      scenario.clusters.every(c => namespaceLists(started, c.name) > 0);
    while (!collectedAll() && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 250));
    }
    await new Promise(r => setTimeout(r, 2000));
  }, 120_000);

  afterAll(async () => {
    await serving?.stop();
    await collecting?.stop();
    await sources?.stop();
    await db?.dispose();
  });

  const refresh = (body: object = {}) =>
    request(serving.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', mockCredentials.user.header())
      .send(body);

  it('has the collecting replica run a refresh asked of it, and answers once it finished', async () => {
    const before = scenario.clusters.map(c => namespaceLists(sources, c.name));
    expect(before).toEqual(scenario.clusters.map(() => 1));
    const res = await refresh();
    expect(res.status).toBe(200);
    expect(
      res.body.clusters.sort((a: { name: string }, b: { name: string }) =>
        a.name.localeCompare(b.name),
      ),
    ).toEqual([
      { name: 'ap', ok: true },
      { name: 'eu', ok: true },
      { name: 'us', ok: true },
    ]);
    // Collected once more per cluster (by the collecting replica: the serving one has no
    // task to run), and the report is there to read.
    expect(scenario.clusters.map(c => namespaceLists(sources, c.name))).toEqual(
      scenario.clusters.map(() => 2),
    );
    const report = await request(serving.server)
      .get('/api/mesh/v1/reports/component/default/checkout')
      .set('Authorization', mockCredentials.user.header());
    expect(report.status).toBe(200);
    expect(
      report.body.workloads.map((w: { cluster: string }) => w.cluster).sort(),
    ).toEqual(['eu', 'us']);
  }, 60_000);

  it('merges concurrent refreshes into one run per cluster', async () => {
    const before = namespaceLists(sources, 'eu');
    const answers = await Promise.all([
      refresh(),
      refresh(),
      refresh({ entityRef: 'component:default/checkout' }),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.body.clusters.every((c: { ok: boolean }) => c.ok)).toBe(true);
    }
    expect(namespaceLists(sources, 'eu') - before).toBe(1);
  }, 60_000);

  it('still answers 404 for an entity the catalog does not have, without triggering', async () => {
    const before = namespaceLists(sources, 'eu');
    const res = await refresh({ entityRef: 'component:default/nope' });
    expect(res.status).toBe(404);
    expect(namespaceLists(sources, 'eu')).toBe(before);
  });
});
