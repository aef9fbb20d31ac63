import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterSnapshot,
  KubernetesFetchResult,
} from '@mesh-readiness/plugin-mesh-node';
import { readMeshConfig } from '../config';
import { CheckRegistry } from '../checks/registry';
import { MeshStores } from '../store';
import { CollectionResult, MeshCollector } from './MeshCollector';
import { ClusterSourcesFactory } from './clusterSources';

/** A promise the test settles. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

const EMPTY: KubernetesFetchResult = { objects: [], problems: [], requests: 0 };

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
      record: async () => undefined,
      prune: async () => undefined,
      recordRollups: async () => undefined,
      recordFleet: async () => undefined,
    },
    scorecard: { allRollups: async () => new Map() },
    attestations: { listSince: async () => [] },
    waivers: { listSince: async () => [] },
  } as unknown as MeshStores;
}

const ENTITY: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'checkout' },
  },
  spec: { type: 'service', owner: 'team-a' },
};

function collectorWith(
  sourcesFactory: ClusterSourcesFactory,
  extra: {
    runDeadlineMs?: number;
    clusters?: string[];
    joinRunningWithinMs?: number;
    stores?: MeshStores;
  } = {},
) {
  const config = readMeshConfig(
    new ConfigReader({
      mesh: {
        clusters: (extra.clusters ?? ['c1']).map(name => ({
          name,
          kubernetes: { manifestsDir: '/nowhere' },
        })),
      },
    }),
  );
  const catalog = {
    getEntities: async () => ({ items: [] }),
    getEntityByRef: async () => ENTITY,
  } as unknown as CatalogService;
  return new MeshCollector({
    config,
    catalog,
    auth: mockServices.auth(),
    stores: extra.stores ?? memoryStores(),
    logger: mockServices.logger.mock(),
    registry: new CheckRegistry(),
    context: { window: config.window },
    sourcesFactory,
    runDeadlineMs: extra.runDeadlineMs,
    joinRunningWithinMs: extra.joinRunningWithinMs,
  });
}

/** Sources whose Kubernetes fetch blocks until the test releases it, one gate per fetch. */
function gatedSources() {
  const gates = [deferred(), deferred()];
  const started = [deferred(), deferred(), deferred(), deferred()];
  let fetches = 0;
  const factory: ClusterSourcesFactory = () => ({
    kubernetes: {
      description: 'fake',
      fetch: async () => {
        const n = fetches++;
        started[n]?.resolve();
        // Fetches past the second are not gated, so the old behaviour finishes
        // (and fails the count) rather than hanging the test.
        await gates[n]?.promise;
        return EMPTY;
      },
    },
  });
  return { factory, gates, started, fetches: () => fetches };
}

describe('MeshCollector', () => {
  it('joins a refresh to the run in flight when that run began moments ago', async () => {
    const sources = gatedSources();
    const collector = collectorWith(sources.factory, {
      clusters: ['c1', 'c2'],
    });
    const first = collector.collect({ clusters: ['c1'] });
    await sources.started[0].promise;
    // Covered by the run in flight: joins it, and its entity is reported by it.
    const joined = collector.collect({
      clusters: ['c1'],
      entityRef: 'component:default/checkout',
    });
    // Needs a cluster the run in flight does not read: waits for the next run.
    const queued = collector.collect({ clusters: ['c2'] });
    sources.gates[0].resolve();
    expect(await joined).toBe(await first);
    expect((await first).reports).toBe(1);
    await sources.started[1].promise;
    sources.gates[1].resolve();
    expect(await queued).not.toBe(await first);
    expect(sources.fetches()).toBe(2);
  });

  it('merges refreshes: one run in flight, at most one queued, every caller answered in order', async () => {
    const sources = gatedSources();
    // The run in flight is past its join window: later callers queue behind it.
    const collector = collectorWith(sources.factory, {
      joinRunningWithinMs: -1,
    });
    const done: string[] = [];
    const results: Record<string, CollectionResult> = {};
    const call = (name: string, request = {}) =>
      collector.collect(request).then(r => {
        done.push(name);
        results[name] = r;
      });

    const a = call('a');
    await sources.started[0].promise;
    // The first run is fetching: these three queue one run behind it.
    const rest = [
      call('b'),
      call('c', { clusters: ['c1'] }),
      call('d', { entityRef: 'component:default/checkout' }),
    ];
    sources.gates[0].resolve();
    await a;
    await sources.started[1].promise;
    expect(done).toEqual(['a']);
    sources.gates[1].resolve();
    await Promise.all(rest);

    expect(sources.fetches()).toBe(2);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
    expect(results.b).toBe(results.c);
    expect(results.c).toBe(results.d);
    expect(results.a).not.toBe(results.b);
    // The entity refresh got its report built in the run it joined.
    expect(results.d.reports).toBe(1);
  });

  it('joins callers that arrive before the run starts fetching', async () => {
    const sources = gatedSources();
    const collector = collectorWith(sources.factory);
    const calls = [1, 2, 3, 4].map(() => collector.collect());
    await sources.started[0].promise;
    sources.gates[0].resolve();
    sources.gates[1].resolve();
    const results = await Promise.all(calls);
    expect(sources.fetches()).toBe(1);
    expect(new Set(results).size).toBe(1);
  });

  it('bounds a run by one deadline: pending fetches are aborted and fail with a clear error', async () => {
    let signal: AbortSignal | undefined;
    const collector = collectorWith(
      () => ({
        kubernetes: {
          description: 'Kubernetes API https://k8s.example',
          // Ignores its signal: the deadline must bound it anyway.
          fetch: (options?: { signal?: AbortSignal }) => {
            signal = options?.signal;
            return new Promise<KubernetesFetchResult>(() => undefined);
          },
        },
      }),
      { runDeadlineMs: 60_000 * 3 },
    );
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
    });
    try {
      const run = collector.collect();
      await jest.advanceTimersByTimeAsync(3 * 60_000);
      const result = await run;
      expect(result.clusters).toEqual([
        {
          name: 'c1',
          ok: false,
          error:
            'kubernetes: run deadline of 3m passed for the sources (153s; the rest is kept to build the reports) while fetching Kubernetes API https://k8s.example',
        },
      ]);
      expect(signal?.aborted).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reads the history far enough back for the rollout window and the unmeshed days before it', async () => {
    const stores = memoryStores();
    const asked: string[] = [];
    (stores.history as { getMany: unknown }).getMany = async (
      _refs: string[],
      sinceDay: string,
    ) => {
      asked.push(sinceDay);
      return new Map();
    };
    const collector = collectorWith(
      () => ({ kubernetes: { description: 'fake', fetch: async () => EMPTY } }),
      { stores },
    );
    const before = Date.now();
    await collector.collect({ entityRef: 'component:default/checkout' });
    // 7 days of window, the 7 days before the mesh date it compares with, and one more.
    const days = (day: string) =>
      Math.floor((before - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
    expect(asked).toHaveLength(1);
    expect(days(asked[0])).toBe(15);
  });

  it("stores each cluster's fleet figures after a run over every entity, not after one entity's", async () => {
    const stores = memoryStores();
    const recorded: Array<{ cluster: string; runAt: string }[]> = [];
    (stores as { clusterFleet: unknown }).clusterFleet = {
      record: async (figures: { cluster: string; runAt: string }[]) => {
        recorded.push(figures);
      },
      prune: async () => 0,
    };
    const collector = collectorWith(
      ({ name }) => ({
        kubernetes: {
          description: 'fake',
          fetch: async () => {
            if (name === 'c2') throw new Error('the API server is down');
            return EMPTY;
          },
        },
      }),
      { clusters: ['c1', 'c2'], stores },
    );
    await collector.collect();
    // c2's source failed: its figures of the day stay those of its last good run.
    expect(recorded).toHaveLength(1);
    expect(recorded[0].map(f => f.cluster)).toEqual(['c1']);
    await collector.collect({ entityRef: 'component:default/checkout' });
    expect(recorded).toHaveLength(1);
  });
});
