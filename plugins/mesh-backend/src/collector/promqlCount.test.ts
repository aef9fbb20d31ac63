/**
 * The PromQL cost of a collection does not grow with the fleet: the same catalog, the
 * same shards, whether Prometheus holds 10 services or 200. Counted by Prometheus itself
 * (its query log), not by the source, so a query issued anywhere (a check, the context,
 * a per-entity fallback) would show.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterSnapshot,
  QUERY_CATALOG,
} from '@mesh-readiness/plugin-mesh-node';
import {
  extraMeshFamilies,
  generateFleet,
  withFamilies,
} from 'mesh-devtools/fleet';
import { openMetricsChunks } from 'mesh-devtools/metrics';
import { startPrometheus } from 'mesh-devtools/prometheus';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CheckRegistry } from '../checks/registry';
import { readMeshConfig } from '../config';
import { MeshStores } from '../store';
import { MeshCollector } from './MeshCollector';

jest.setTimeout(120_000);

/** In-memory stores: the collector's bookkeeping, nothing more. */
function memoryStores(): MeshStores {
  const snapshots = new Map<string, ClusterSnapshot>();
  return {
    snapshots: {
      load: async (names: string[]) =>
        new Map(
          names.filter(n => snapshots.has(n)).map(n => [n, snapshots.get(n)!]),
        ),
      save: async (s: ClusterSnapshot) => {
        snapshots.set(s.cluster, s);
      },
    },
    reports: {
      getReports: async () => new Map(),
      saveReports: async () => undefined,
    },
    history: {
      getMany: async () => new Map(),
      record: async () => undefined,
      prune: async () => undefined,
      recordRollups: async () => undefined,
      recordFleet: async () => undefined,
    },
    scorecard: { allRollups: async () => new Map() },
    attestations: { listSince: async () => [] },
    waivers: { listSince: async () => [] },
    runs: {
      started: async () => undefined,
      finished: async () => undefined,
    },
  } as unknown as MeshStores;
}

interface Measured {
  /** PromQL queries Prometheus ran, per collection. */
  queries: number[];
  reports: number;
  namespaces: number;
}

/**
 * Collects a synthetic fleet of `n` services twice (the first run plans its shards from
 * the label values, the next from the previous answer) against a real Prometheus that
 * holds the fleet's traffic, and counts the queries in Prometheus's query log.
 */
async function measure(
  n: number,
  servicesPerNamespace: number,
  prometheusSettings: Record<string, unknown> = {},
): Promise<Measured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mesh-promql-${n}-`));
  const fleet = generateFleet({ n, servicesPerNamespace });
  fs.mkdirSync(path.join(dir, 'manifests'));
  fs.writeFileSync(
    path.join(dir, 'manifests', 'fleet.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fleet.objects }),
  );
  const end = Math.floor(Date.now() / 1000);
  // Samples a minute apart over 7 minutes: enough for rate() over the 5m window.
  const range = { start: end - 420, end, step: 60 };
  const queryLog = path.join(dir, 'queries.log');
  const prometheus = await startPrometheus({
    openMetrics: [
      ...withFamilies(
        openMetricsChunks(fleet.traffic, range),
        extraMeshFamilies(fleet.traffic),
        range,
      ),
    ].join(''),
    queryLogFile: queryLog,
  });
  try {
    const config = readMeshConfig(
      new ConfigReader({
        mesh: {
          clusters: [
            {
              name: 'fleet',
              kubernetes: { manifestsDir: path.join(dir, 'manifests') },
              prometheus: { url: prometheus.url, ...prometheusSettings },
            },
          ],
        },
      }),
    );
    const entities = fleet.entities as Entity[];
    const catalog = {
      getEntities: async () => ({ items: entities }),
    } as unknown as CatalogService;
    const collector = new MeshCollector({
      config,
      catalog,
      auth: mockServices.auth(),
      stores: memoryStores(),
      logger: mockServices.logger.mock(),
      registry: new CheckRegistry(),
      context: { window: config.window },
    });
    const logged = () =>
      fs.existsSync(queryLog)
        ? fs.readFileSync(queryLog, 'utf8').split('\n').filter(Boolean).length
        : 0;
    const queries: number[] = [];
    let reports = 0;
    for (let run = 0; run < 2; run++) {
      const before = logged();
      const result = await collector.collect();
      expect(result.clusters).toEqual([{ name: 'fleet', ok: true }]);
      reports = result.reports;
      queries.push(logged() - before);
    }
    return {
      queries,
      reports,
      namespaces: new Set(
        fleet.objects
          .filter((o: any) => o.kind === 'Namespace')
          .map((o: any) => o.metadata.name),
      ).size,
    };
  } finally {
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ENTRIES = Object.keys(QUERY_CATALOG).length;

describe('PromQL requests per collection', () => {
  it('are the same for 10 services as for 200, shards and all', async () => {
    // Ten namespaces each way: 1 service per namespace, then 20. Every entry then has
    // data in at least as many namespaces as it has shards, in both fleets.
    const small = await measure(10, 1);
    const large = await measure(200, 20);
    expect(small.namespaces).toBe(large.namespaces);
    expect(small.reports).toBe(10);
    expect(large.reports).toBe(200);
    expect(large.queries).toEqual(small.queries);
    // Bounded by the catalog: each entry at most once per shard (4 by default).
    for (const count of large.queries) {
      expect(count).toBeGreaterThanOrEqual(ENTRIES);
      expect(count).toBeLessThanOrEqual(ENTRIES * 4);
    }
  });

  it('are one per catalog entry unsharded, whatever the fleet and its namespaces', async () => {
    const small = await measure(10, 25, { shards: 1 });
    const large = await measure(200, 25, { shards: 1 });
    expect(small.namespaces).toBe(1);
    expect(large.namespaces).toBe(8);
    expect(small.queries).toEqual([ENTRIES, ENTRIES]);
    expect(large.queries).toEqual([ENTRIES, ENTRIES]);
  });
});
