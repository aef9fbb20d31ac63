import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import knexFactory, { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { entity } from '../../__testUtils__/fixtures';
import { readMeshConfig } from '../../config';
import { openStores } from '../../store';
import { NO_SOURCE_EXTENSIONS, SourceExtensions } from '../clusterSources';
import { MeshCollector } from '../MeshCollector';
import { collectorParts } from '../wiring';
import { collectionWorker, workerDatabaseOf, WorkerRuns } from './host';

const ENTITY = entity('checkout', {
  'backstage.io/kubernetes-id': 'checkout',
});

const MANIFEST = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: { backstage.io/kubernetes-id: checkout }
spec:
  replicas: 1
  selector: { matchLabels: { app: checkout } }
  template:
    metadata: { labels: { app: checkout, backstage.io/kubernetes-id: checkout } }
    spec:
      containers:
        - { name: app, image: shop/checkout:1.0 }
---
apiVersion: v1
kind: Pod
metadata:
  name: checkout-1
  namespace: shop
  labels: { app: checkout, backstage.io/kubernetes-id: checkout }
  annotations: { sidecar.istio.io/status: '{"containers":["istio-proxy"]}' }
spec:
  containers:
    - { name: app, image: shop/checkout:1.0 }
    - { name: istio-proxy, image: docker.io/istio/proxyv2:1.27.1 }
status: { phase: Running }
`;

const catalog = {
  getEntities: async () => ({ items: [ENTITY] }),
  getEntitiesByRefs: async (request: { entityRefs: string[] }) => ({
    items: request.entityRefs.map(() => undefined),
  }),
};
const auth = mockServices.auth();

describe('collections in a worker thread', () => {
  let dir: string;
  let config: ConfigReader;
  const knexes: Knex[] = [];
  const sqliteFile = (name: string) => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, name) },
      useNullAsDefault: true,
    });
    knexes.push(knex);
    return knex;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-worker-'));
    fs.mkdirSync(path.join(dir, 'manifests'));
    fs.writeFileSync(path.join(dir, 'manifests', 'shop.yaml'), MANIFEST);
    config = new ConfigReader({
      mesh: {
        clusters: [
          {
            name: 'c1',
            kubernetes: { manifestsDir: path.join(dir, 'manifests') },
          },
        ],
      },
    });
  });

  afterAll(async () => {
    await Promise.all(knexes.map(k => k.destroy()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function collector(knex: Knex, worker: boolean) {
    const meshConfig = readMeshConfig(config);
    const written: string[] = [];
    const collected: string[] = [];
    const logger = mockServices.logger.mock();
    const stores = await openStores(knex);
    const executor = worker
      ? await collectionWorker({
          config,
          database: knex,
          extensions: { checks: [], sources: NO_SOURCE_EXTENSIONS },
          catalog,
          auth,
          logger,
          observer: { clusterCollected: c => collected.push(c.cluster) },
          written: reports => written.push(...reports.map(([key]) => key)),
        })
      : undefined;
    const meshCollector = new MeshCollector({
      config: meshConfig,
      catalog: catalog as any,
      auth,
      stores,
      logger,
      ...collectorParts(config, meshConfig, {
        checks: [],
        sources: NO_SOURCE_EXTENSIONS,
      }),
      executor,
    });
    return { meshCollector, stores, executor, written, collected, logger };
  }

  const verdicts = (report: MeshReport | undefined) =>
    report && {
      entityRef: report.entityRef,
      provider: report.mesh.provider,
      checks: report.checks.map(c => [c.id, c.status, c.summary]),
      readiness: report.readiness,
      workloads: report.workloads,
    };

  it('stores the reports a run in this thread stores, and hands them to the serving side', async () => {
    const inline = await collector(sqliteFile('inline.sqlite'), false);
    const isolated = await collector(sqliteFile('worker.sqlite'), true);
    expect(isolated.executor).toBeInstanceOf(WorkerRuns);
    try {
      const [a, b] = [
        await inline.meshCollector.collect(),
        await isolated.meshCollector.collect(),
      ];
      expect(b.clusters).toEqual([{ name: 'c1', ok: true }]);
      expect(b.reports).toBe(1);
      expect(a.clusters).toEqual(b.clusters);
      const ref = 'component:default/checkout';
      const [ra, rb] = [
        await inline.stores.reports.getReport(ref),
        await isolated.stores.reports.getReport(ref),
      ];
      expect(rb?.mesh.provider).toBe('istio');
      expect(verdicts(rb)).toEqual(verdicts(ra));
      expect(isolated.written).toEqual([ref]);
      expect(isolated.collected).toEqual(['c1']);
      expect(isolated.logger.info).toHaveBeenCalledWith(
        expect.stringMatching(/^Mesh collection of c1 stored 1 report\(s\)/),
        { thread: 'collection-worker' },
      );
    } finally {
      await isolated.executor?.close();
    }
  }, 60_000);

  it('fails the runs of a worker that stopped with a 503 naming why, and starts a new one for the next run', async () => {
    const logger = mockServices.logger.mock();
    const runs = new WorkerRuns({
      config: { mesh: {} },
      database: { client: 'no-such-database-client', connection: {} },
      catalog,
      auth,
      logger,
      written: () => undefined,
    });
    const fetched = async () => ({ allEntities: true, entities: [] });
    for (let i = 0; i < 2; i++) {
      await expect(runs.execute(['c1'], fetched)).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /^The mesh collection worker stopped \(.*no-such-database-client.*\); the next run starts a new one$/s,
        ),
      });
    }
    expect(logger.error).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('keeps the runs in this thread, saying why, when a worker could not run them the same way', async () => {
    const file = sqliteFile('fallback.sqlite');
    const memory = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    knexes.push(memory);
    const added: SourceExtensions = {
      ...NO_SOURCE_EXTENSIONS,
      queriers: [() => undefined],
    };
    const cases: Array<[Knex, SourceExtensions, RegExp]> = [
      [memory, NO_SOURCE_EXTENSIONS, /in-memory SQLite database/],
      [file, added, /modules added checks or sources/],
    ];
    for (const [database, sources, why] of cases) {
      const logger = mockServices.logger.mock();
      await expect(
        collectionWorker({
          config,
          database,
          extensions: { checks: [], sources },
          catalog,
          auth,
          logger,
          written: () => undefined,
        }),
      ).resolves.toBeUndefined();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^mesh\.collector\.worker is true, but the collections run in the backend's thread: /,
        ),
      );
      expect(logger.warn.mock.calls[0][0]).toMatch(why);
    }
  });

  it.each([
    [
      'a PostgreSQL URL',
      { client: 'pg', connection: 'postgresql://u@db:5432/x' },
      { client: 'pg', connection: 'postgresql://u@db:5432/x' },
    ],
    [
      'PostgreSQL settings with a schema',
      { client: 'pg', connection: { host: 'db' }, searchPath: ['mesh'] },
      { client: 'pg', connection: { host: 'db' }, searchPath: ['mesh'] },
    ],
    [
      'a SQLite file',
      {
        client: 'better-sqlite3',
        connection: { filename: '/data/mesh.sqlite' },
        useNullAsDefault: true,
      },
      {
        client: 'better-sqlite3',
        connection: { filename: '/data/mesh.sqlite' },
        useNullAsDefault: true,
      },
    ],
    [
      'SQLite in memory',
      { client: 'better-sqlite3', connection: { filename: ':memory:' } },
      { unavailable: 'the database is an in-memory SQLite database' },
    ],
    [
      'a connection function',
      { client: 'pg', connection: async () => ({ host: 'db' }) },
      { unavailable: 'the database connection is not plain settings' },
    ],
  ])('reads how a worker reaches %s', (_name, settings, expected) => {
    const knex = { client: { config: settings } } as unknown as Knex;
    expect(workerDatabaseOf(knex)).toEqual(expected);
  });
});
