/**
 * One measured collection for `npm run bench` (scripts/bench.mjs starts the fleet's
 * Prometheus and fixture Kubernetes API, then runs this in its own process so that its
 * peak RSS is the collector's alone). Prints one JSON object.
 *
 * Usage: bench.ts <entities.json> <kube url> <kube token> <prometheus url>
 */
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import fs from 'node:fs';
import knexFactory from 'knex';
import { readMeshConfig } from '../src/config';
import {
  createClusterSources,
  ClusterSources,
} from '../src/collector/clusterSources';
import { MeshCollector } from '../src/collector/MeshCollector';
import { KubernetesApiSource } from '../src/sources/kubernetes/KubernetesApiSource';
import { mapLimit } from '../src/sources/limit';
import { kubeConfigFor } from '../src/collector/clusterSources';
import { kubeGet } from '../src/sources/kubernetes/kubeHttp';
import { PrometheusClient } from '../src/sources/prometheus/PrometheusClient';
import { PrometheusSource } from '../src/sources/prometheus/PrometheusSource';
import { buildMeshQueries } from '../src/sources/prometheus/queries';
import { openStores } from '../src/store';

const silentLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
} as unknown as LoggerService;

const auth = {
  getOwnServiceCredentials: async () => ({
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'service', subject: 'bench' },
  }),
} as unknown as AuthService;

function catalogOf(entities: Entity[]): CatalogService {
  return {
    getEntities: async () => ({ items: entities }),
    getEntityByRef: async (ref: string) =>
      entities.find(e => stringifyEntityRef(e) === ref),
  } as unknown as CatalogService;
}

/** The same four queries, narrowed to one workload, as a per-entity plugin sends them. */
function perEntityQueries(
  namespace: string,
  workload: string,
  window: string,
): string[] {
  const q = buildMeshQueries(window);
  const istio = `destination_workload_namespace="${namespace}",destination_workload="${workload}",`;
  const linkerd = `namespace="${namespace}",deployment="${workload}",`;
  return [
    q.istioRequests.replace('{reporter', `{${istio}reporter`),
    q.istioLatencyBuckets.replace('{reporter', `{${istio}reporter`),
    q.linkerdResponses.replace('{direction', `{${linkerd}direction`),
    q.linkerdLatencyBuckets.replace('{direction', `{${linkerd}direction`),
  ];
}

async function main() {
  const [entitiesFile, kubeUrl, kubeToken, promUrl] = process.argv.slice(2);
  const entities: Entity[] = JSON.parse(fs.readFileSync(entitiesFile, 'utf8'));
  const config = readMeshConfig(
    new ConfigReader({
      mesh: {
        window: '5m',
        clusters: [
          {
            name: 'bench',
            kubernetes: {
              url: kubeUrl,
              serviceAccountToken: kubeToken,
              skipTLSVerify: true,
            },
            prometheus: { url: promUrl, timeout: { seconds: 120 } },
          },
        ],
      },
    }),
  );
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const stores = await openStores(knex);

  let promClient: PrometheusClient | undefined;
  let kubeRequests = 0;
  const sourcesFactory = (
    cluster: (typeof config.clusters)[number],
    window: string,
  ): ClusterSources => {
    const base = createClusterSources(cluster, window);
    promClient = new PrometheusClient({
      url: cluster.prometheus!.url,
      timeoutMs: 120_000,
      collectStats: true,
    });
    const kubernetes = new KubernetesApiSource({
      kubeConfig: kubeConfigFor(cluster),
    });
    return {
      ...base,
      kubernetes: {
        description: kubernetes.description,
        fetch: async () => {
          const result = await kubernetes.fetch();
          kubeRequests += result.requests;
          return result;
        },
      },
      metrics: new PrometheusSource(
        promClient,
        window,
        cluster.prometheus!.url,
      ),
    };
  };
  const collector = new MeshCollector({
    config,
    catalog: catalogOf(entities),
    auth,
    stores,
    logger: silentLogger,
    sourcesFactory,
  });

  const started = performance.now();
  const result = await collector.collect();
  const collectionMs = performance.now() - started;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  if (!result.clusters.every(c => c.ok))
    throw new Error(`collection failed: ${JSON.stringify(result.clusters)}`);
  const report = await stores.reports.getReport(
    stringifyEntityRef(entities[0]),
  );

  // The per-entity way, as per-entity plugins collect: for each entity, the same four
  // queries narrowed to its workload, and the Kubernetes plugin's label-selector lists of
  // its pods and deployments; 8 requests in flight. Timed with and without the lists.
  const perEntityClient = new PrometheusClient({
    url: promUrl,
    timeoutMs: 120_000,
    collectStats: true,
  });
  const kubeConfig = kubeConfigFor(config.clusters[0]);
  const now = new Date();
  const promTasks = entities.flatMap(e =>
    perEntityQueries(
      // The fleet's namespaces are `team-NNN`, the owner's name; the workload is the entity's name.
      String((e.spec as { owner: string }).owner),
      e.metadata.name,
      config.window,
    ).map(query => () => perEntityClient.instantQuery(query, now)),
  );
  let perEntityKubeRequests = 0;
  const kubeTasks = entities.flatMap(e =>
    ['/api/v1/pods', '/apis/apps/v1/deployments'].map(path => async () => {
      perEntityKubeRequests += 1;
      const selector = encodeURIComponent(
        `backstage.io/kubernetes-id=${e.metadata.name}`,
      );
      const res = await kubeGet(
        kubeConfig,
        `${path}?labelSelector=${selector}`,
        120_000,
      );
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    }),
  );
  let t = performance.now();
  await mapLimit(promTasks, 8, task => task());
  const perEntityPromqlOnlyMs = performance.now() - t;
  const promqlOnlyEvalMs = perEntityClient.evalMs;
  t = performance.now();
  // Each entity's queries and lists together, entity after entity.
  const perEntityTasks: (() => Promise<unknown>)[] = entities.flatMap(
    (_, i) => [
      ...promTasks.slice(i * 4, i * 4 + 4),
      ...kubeTasks.slice(i * 2, i * 2 + 2),
    ],
  );
  await mapLimit(perEntityTasks, 8, task => task());
  const perEntityMs = performance.now() - t;

  process.stdout.write(
    `${JSON.stringify({
      reports: result.reports,
      firstReportHealth: report?.health.status,
      promqlRequests: promClient!.requests,
      kubeRequests,
      collectionMs: Math.round(collectionMs),
      prometheusEvalMs: Math.round(promClient!.evalMs),
      perEntityMs: Math.round(perEntityMs),
      perEntityPromqlRequests: promTasks.length,
      perEntityKubeRequests,
      perEntityPromqlOnlyMs: Math.round(perEntityPromqlOnlyMs),
      perEntityPrometheusEvalMs: Math.round(promqlOnlyEvalMs),
      peakRssMb: Math.round(peakRssMb),
      timings: result.timings,
    })}\n`,
  );
  await knex.destroy();
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
