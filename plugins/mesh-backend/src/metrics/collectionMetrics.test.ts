import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KubernetesFetchResult } from '@mesh-readiness/plugin-mesh-node';
import knexFactory, { Knex } from 'knex';
import { Registry } from 'prom-client';
import { CheckRegistry } from '../checks/registry';
import { ClusterSourcesFactory } from '../collector/clusterSources';
import { CollectionObserver, MeshCollector } from '../collector/MeshCollector';
import { readMeshConfig } from '../config';
import { MeshStores, openStores } from '../store';
import { parseExposition, samplesOf } from './__testUtils__/exposition';
import { CollectionMetrics } from './collectionMetrics';

const EMPTY: KubernetesFetchResult = { objects: [], problems: [], requests: 0 };

/**
 * Two clusters: `eu` answers after `delayMs`, `us` has a Prometheus that fails (and,
 * when asked, a Kubernetes API that fails too).
 */
function sources(
  opts: { delayMs?: number; usKubernetesFails?: boolean } = {},
): ClusterSourcesFactory {
  return cluster => ({
    kubernetes: {
      description: `fake ${cluster.name}`,
      fetch: async () => {
        if (cluster.name === 'eu')
          await new Promise(r => setTimeout(r, opts.delayMs ?? 0));
        if (cluster.name === 'us' && opts.usKubernetesFails)
          throw new Error('connection refused');
        return EMPTY;
      },
    },
    ...(cluster.name === 'us'
      ? {
          metrics: {
            description: 'fake prometheus',
            fetch: async () => {
              throw new Error('503 Service Unavailable');
            },
          },
        }
      : {}),
  });
}

function collectorWith(
  stores: MeshStores,
  factory: ClusterSourcesFactory,
  observer: CollectionObserver,
  logger = mockServices.logger.mock(),
) {
  const config = readMeshConfig(
    new ConfigReader({
      mesh: {
        clusters: [
          { name: 'eu', kubernetes: { manifestsDir: '/nowhere' } },
          {
            name: 'us',
            kubernetes: { manifestsDir: '/nowhere' },
            prometheus: { url: 'http://127.0.0.1:1' },
          },
        ],
      },
    }),
  );
  return new MeshCollector({
    config,
    catalog: {
      getEntities: async () => ({ items: [] }),
    } as unknown as CatalogService,
    auth: mockServices.auth(),
    stores,
    logger,
    registry: new CheckRegistry(),
    context: { window: config.window },
    sourcesFactory: factory,
    observer,
  });
}

async function scrape(registry: Registry) {
  return parseExposition(await registry.metrics()).samples;
}

describe('the collection metrics', () => {
  let knex: Knex;
  let stores: MeshStores;
  beforeAll(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    stores = await openStores(knex);
  });
  afterAll(async () => {
    await knex?.destroy();
  });

  const CLUSTERS = [
    { name: 'eu', sources: ['kubernetes' as const] },
    { name: 'us', sources: ['kubernetes' as const, 'prometheus' as const] },
  ];

  it('starts every configured cluster and source at zero', async () => {
    const registry = new Registry();
    // Constructing it registers the metrics on the registry.
    // eslint-disable-next-line no-new
    new CollectionMetrics(registry, CLUSTERS);
    const samples = await scrape(registry);
    expect(
      samplesOf(samples, 'mesh_source_errors_total').map(s => [
        s.labels.cluster,
        s.labels.source,
        s.value,
      ]),
    ).toEqual([
      ['eu', 'kubernetes', 0],
      ['us', 'kubernetes', 0],
      ['us', 'prometheus', 0],
    ]);
    expect(
      samplesOf(samples, 'mesh_collection_duration_seconds_count').map(s => [
        s.labels.cluster,
        s.value,
      ]),
    ).toEqual([
      ['eu', 0],
      ['us', 0],
    ]);
  });

  it('observes each cluster of every run and counts the sources that failed', async () => {
    const registry = new Registry();
    const collector = collectorWith(
      stores,
      sources({ delayMs: 300 }),
      new CollectionMetrics(registry, CLUSTERS),
    );
    await collector.collect();
    await collector.collect({ clusters: ['us'] });
    const samples = await scrape(registry);
    const count = (cluster: string) =>
      samplesOf(samples, 'mesh_collection_duration_seconds_count', {
        cluster,
      })[0].value;
    expect(count('eu')).toBe(1);
    expect(count('us')).toBe(2);
    // eu's sources took at least 300 ms: above the 0.25 s bucket, in seconds.
    const bucket = (le: string) =>
      samplesOf(samples, 'mesh_collection_duration_seconds_bucket', {
        cluster: 'eu',
        le,
      })[0].value;
    expect(bucket('0.25')).toBe(0);
    expect(bucket('+Inf')).toBe(1);
    const sum = samplesOf(samples, 'mesh_collection_duration_seconds_sum', {
      cluster: 'eu',
    })[0].value;
    expect(sum).toBeGreaterThanOrEqual(0.29);
    expect(sum).toBeLessThan(60);
    const errors = (cluster: string, source: string) =>
      samplesOf(samples, 'mesh_source_errors_total', { cluster, source })[0]
        ?.value;
    expect(errors('us', 'prometheus')).toBe(2);
    expect(errors('us', 'kubernetes')).toBe(0);
    expect(errors('eu', 'kubernetes')).toBe(0);
  });

  it('counts every source that failed in one run', async () => {
    const registry = new Registry();
    const collector = collectorWith(
      stores,
      sources({ usKubernetesFails: true }),
      new CollectionMetrics(registry, CLUSTERS),
    );
    await collector.collect({ clusters: ['us'] });
    const samples = await scrape(registry);
    expect(
      samplesOf(samples, 'mesh_source_errors_total', { cluster: 'us' }).map(
        s => [s.labels.source, s.value],
      ),
    ).toEqual([
      ['kubernetes', 1],
      ['prometheus', 1],
    ]);
  });

  it('never fails a run when the observer throws', async () => {
    const logger = mockServices.logger.mock();
    const collector = collectorWith(
      stores,
      sources(),
      {
        clusterCollected: () => {
          throw new Error('observer broke');
        },
      },
      logger,
    );
    const result = await collector.collect({ clusters: ['eu'] });
    expect(result.clusters).toEqual([{ name: 'eu', ok: true }]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('observer broke'),
    );
  });
});
