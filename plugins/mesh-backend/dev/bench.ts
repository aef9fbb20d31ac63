/**
 * One measured phase of `npm run bench` (scripts/bench.mjs starts the fleet's Prometheus
 * and fixture Kubernetes API, then runs this in its own process so that its peak RSS is
 * the collector's alone). Prints one JSON object.
 *
 * Usage: bench.ts <raw|rules> <entities.json> <kube url> <kube token> <prometheus url> <at>
 *   [<rule evaluation time>]
 *
 * `raw` evaluates the catalog over raw series (recording rules off); `rules` runs after
 * the recording rules are loaded and reads them (`auto`). Every query is evaluated at
 * `at` (Unix seconds), the end of the backfilled history, so the phases see the same data.
 */
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  catalogRecordingRules,
  MetricsData,
  PromQuerier,
  QUERY_CATALOG,
} from '@mesh-readiness/plugin-mesh-node';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import knexFactory from 'knex';
import { CheckRegistry } from '../src/checks/registry';
import { PER_ENTITY } from './perEntity';
import {
  ClusterSources,
  createClusterSources,
  kubeConfigFor,
} from '../src/collector/clusterSources';
import { MeshCollector } from '../src/collector/MeshCollector';
import { readMeshConfig } from '../src/config';
import { KubernetesApiSource } from '../src/sources/kubernetes/KubernetesApiSource';
import { mapLimit } from '../src/sources/limit';
import { PrometheusClient } from '../src/sources/prometheus/PrometheusClient';
import {
  PrometheusSource,
  PrometheusSourceOptions,
} from '../src/sources/prometheus/PrometheusSource';
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

/** A querier that adds up the wall time of its requests. */
class TimedQuerier {
  busyMs = 0;
  constructor(readonly client: PrometheusClient) {}
  instantQuery: PromQuerier['instantQuery'] = async (q, at) => {
    const t = performance.now();
    try {
      return await this.client.instantQuery(q, at);
    } finally {
      this.busyMs += performance.now() - t;
    }
  };
  labelValues = (label: string, start: Date, end: Date) =>
    this.client.labelValues(label, start, end);
  recordingRules = () => this.client.recordingRules();
}

/** A digest of the answer, floats to 9 digits, so two phases can be compared. */
function digest(data: MetricsData): string {
  const canonical = (v: unknown): unknown => {
    if (typeof v === 'number') return Number(v.toPrecision(9));
    if (Array.isArray(v))
      return v
        .map(canonical)
        .map(x => JSON.stringify(x))
        .sort();
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, canonical(x)]),
      );
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(data.series)))
    .digest('hex')
    .slice(0, 16);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const [phase, entitiesFile, kubeUrl, kubeToken, promUrl, atSeconds, ruleTs] =
    process.argv.slice(2);
  if (phase !== 'raw' && phase !== 'rules') throw new Error(`phase ${phase}?`);
  const at = new Date(Number(atSeconds) * 1000);
  const recordingRules = phase === 'rules' ? 'auto' : false;
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
            prometheus: {
              url: promUrl,
              timeout: { seconds: 120 },
              recordingRules,
            },
          },
        ],
      },
    }),
  );
  const cluster = config.clusters[0];
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  const stores = await openStores(knex);

  const promClient = new PrometheusClient({
    url: promUrl,
    timeoutMs: 120_000,
    collectStats: true,
  });
  const newSource = (o: Partial<PrometheusSourceOptions> = {}) => {
    const querier = new TimedQuerier(promClient);
    const source = new PrometheusSource({
      querier,
      description: `Prometheus ${promUrl}`,
      window: config.window,
      concurrency: cluster.prometheus!.concurrency,
      shardCount: cluster.prometheus!.shards,
      recordingRules: cluster.prometheus!.recordingRules,
      ...o,
    });
    return { source, querier };
  };
  const { source: collectorSource } = newSource();
  let kubeRequests = 0;
  const sourcesFactory = (): ClusterSources => {
    const base = createClusterSources(cluster, config.window);
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
      // Every phase evaluates at the end of the backfilled history.
      metrics: {
        description: collectorSource.description,
        fetch: () => collectorSource.fetch(at),
      },
    };
  };
  const collector = new MeshCollector({
    config,
    catalog: catalogOf(entities),
    auth,
    stores,
    logger: silentLogger,
    registry: new CheckRegistry(),
    context: { window: config.window, tolerances: config.health.tolerances },
    sourcesFactory,
  });

  // The full collection, twice: the first run is cold (and has no previous answer to
  // shard by); the second is what a running backend does every few minutes.
  // Node, the modules and the transpiler that runs this file, before any collection.
  const baselineRssMb = Math.round(process.memoryUsage().rss / 1e6);
  const runs = [];
  const peakRssMb: number[] = [];
  for (let i = 0; i < 2; i++) {
    const requests = promClient.requests;
    const evalMs = promClient.evalMs;
    const t = performance.now();
    const result = await collector.collect();
    const ms = performance.now() - t;
    if (!result.clusters.every(c => c.ok))
      throw new Error(`collection failed: ${JSON.stringify(result.clusters)}`);
    peakRssMb.push(Math.round(process.resourceUsage().maxRSS / 1024));
    runs.push({
      collectionMs: Math.round(ms),
      promqlRequests: promClient.requests - requests,
      prometheusEvalMs: Math.round(promClient.evalMs - evalMs),
      reports: result.reports,
      timings: result.timings,
      recordingRules: collectorSource.lastRun?.recordingRules.length ?? 0,
    });
  }
  // What the collector keeps between runs, as opposed to garbage V8 has not collected.
  (globalThis as { gc?: () => void }).gc?.();
  const liveHeapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
  if (process.env.BENCH_COLLECT_ONLY) {
    process.stdout.write(
      `${JSON.stringify({
        peakRssMb,
        baselineRssMb,
        liveHeapMb,
        cold: runs[0],
        warm: runs[1],
      })}\n`,
    );
    await knex.destroy();
    return;
  }
  const report = await stores.reports.getReport(
    stringifyEntityRef(entities[0]),
  );

  // The metrics fetch alone, by variant: a warm-up each, then three rounds taking the
  // variants in turn (so none is favoured by going first), the median of each.
  // `sequential` is one query at a time, unsharded: Prometheus's evaluation time with
  // nothing competing for its cores.
  const variants: Record<string, Partial<PrometheusSourceOptions>> = {
    sequential: { shardCount: 1, concurrency: 1 },
    unsharded: { shardCount: 1 },
    labelValues: { shardNamespaces: 'labelValues' },
    previous: { shardNamespaces: 'previous' },
  };
  const fetches: Record<string, Record<string, number | string>> = {};
  const sources = Object.entries(variants).map(([name, options]) => ({
    name,
    ...newSource(options),
    samples: [] as Array<Record<string, number>>,
  }));
  let answer: MetricsData | undefined;
  const digests = new Map<PrometheusSource, string>();
  for (const v of sources) answer = await v.source.fetch(at);
  for (let round = 0; round < 3; round++) {
    for (const { source, querier, samples } of sources) {
      const before = {
        requests: promClient.requests,
        evalMs: promClient.evalMs,
        decodeMs: promClient.decodeMs,
        busyMs: querier.busyMs,
      };
      const t = performance.now();
      const data = await source.fetch(at);
      samples.push({
        wallMs: performance.now() - t,
        requests: promClient.requests - before.requests,
        evalMs: promClient.evalMs - before.evalMs,
        decodeMs: promClient.decodeMs - before.decodeMs,
        busyMs: querier.busyMs - before.busyMs,
        parseMs: source.lastRun!.parseMs,
        rules: data.recordingRules?.length ?? 0,
        shards: Math.max(
          1,
          ...Object.values(source.lastRun!.shards).map(p => p.length),
        ),
      });
      answer = data;
      digests.set(source, digest(data));
    }
  }
  for (const { name, source, samples } of sources) {
    const best = samples.find(
      s => s.wallMs === median(samples.map(x => x.wallMs)),
    )!;
    fetches[name] = {
      ...Object.fromEntries(
        Object.entries(best).map(([k, v]) => [k, Math.round(v)]),
      ),
      slowestEntry: Object.entries(source.lastRun!.entryMs).sort(
        ([, a], [, b]) => b - a,
      )[0][0],
      digest: digests.get(source)!,
    };
  }
  const answerDigest = digest(answer!);
  // A rule's samples are as of its last evaluation, before `at`: the same answer means
  // the raw catalog evaluated at that moment.
  let sameAsRaw: boolean | undefined;
  if (ruleTs) {
    const raw = await newSource({
      recordingRules: false,
      shardCount: 1,
    }).source.fetch(new Date(Number(ruleTs) * 1000));
    sameAsRaw = digest(raw) === answerDigest;
  }
  const sampleCount = Object.values(answer!.series).reduce(
    (n, s) =>
      n +
      (Array.isArray(s)
        ? s.length
        : Object.values(s as Record<string, unknown[]>).reduce(
            (m: number, rows) => m + rows.length,
            0,
          )),
    0,
  );

  // The per-entity way: for each entity, every catalog entry narrowed to its workload,
  // 8 requests in flight; with rules loaded, reading the rules narrowed the same way.
  const perEntityClient = new PrometheusClient({
    url: promUrl,
    timeoutMs: 120_000,
    collectStats: true,
  });
  const ruleIds = new Set(answer!.recordingRules ?? []);
  const query = (id: string, m: string) => {
    const entry = QUERY_CATALOG[id as keyof typeof QUERY_CATALOG];
    return ruleIds.has(id)
      ? `${entry.recordingRule!(config.window)}${m ? `{${m}}` : ''}`
      : entry.promql(config.window, m);
  };
  for (const id of Object.keys(QUERY_CATALOG)) {
    if (!PER_ENTITY[id]) throw new Error(`no per-entity narrowing for ${id}`);
  }
  const clusterTasks = Object.keys(QUERY_CATALOG)
    .filter(id => PER_ENTITY[id] === 'cluster')
    .map(id => () => perEntityClient.instantQuery(query(id, ''), at));
  const tasks = entities.flatMap(e => {
    const ns = String((e.spec as { owner: string }).owner);
    return Object.keys(QUERY_CATALOG).flatMap(id => {
      const narrow = PER_ENTITY[id];
      if (narrow === 'cluster') return [];
      const promql = query(id, narrow(ns, e.metadata.name));
      return [() => perEntityClient.instantQuery(promql, at)];
    });
  });
  tasks.push(...clusterTasks);
  const t = performance.now();
  await mapLimit(tasks, 8, task => task());
  const perEntityMs = performance.now() - t;

  process.stdout.write(
    `${JSON.stringify({
      phase,
      // The catalog entries a recording rule can serve: what `rules` is counted against.
      ruleEntries: catalogRecordingRules(config.window).length,
      reports: runs[1].reports,
      firstReportHealth: report?.health.status,
      kubeRequests: kubeRequests / 2,
      cold: runs[0],
      warm: runs[1],
      peakRssMb,
      baselineRssMb,
      liveHeapMb,
      fetches,
      answerDigest,
      answerRows: sampleCount,
      sameAsRaw,
      ruleAgeS: ruleTs ? Number(atSeconds) - Number(ruleTs) : undefined,
      perEntityMs: Math.round(perEntityMs),
      perEntityRequests: tasks.length,
      perEntityEvalMs: Math.round(perEntityClient.evalMs),
    })}\n`,
  );
  await knex.destroy();
}

main().catch(e => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
