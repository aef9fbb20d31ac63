import { CollectedSourceKind } from '@mesh-readiness/plugin-mesh-common';
import { Counter, Histogram, Registry } from 'prom-client';
import {
  ClusterCollection,
  CollectionObserver,
} from '../collector/MeshCollector';

/**
 * Seconds. A cluster's collection takes from a fraction of a second (a manifests
 * directory) to the run deadline (3 minutes by default), so the buckets span both and
 * are denser near the deadline, where "p95 approaches the timeout" is read.
 */
export const COLLECTION_DURATION_BUCKETS = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 90, 120, 150, 180, 300,
];

/** A configured cluster and the sources its config names. */
export interface ObservedCluster {
  name: string;
  sources: CollectedSourceKind[];
}

/**
 * The collector's runs as metrics: how long each cluster's collection took and which
 * sources failed. Counted in this process: with several replicas, each exports the
 * runs it executed (sum over instances).
 */
export class CollectionMetrics implements CollectionObserver {
  private readonly duration: Histogram<'cluster'>;
  private readonly errors: Counter<'cluster' | 'source'>;

  constructor(registry: Registry, clusters: ObservedCluster[]) {
    this.duration = new Histogram({
      name: 'mesh_collection_duration_seconds',
      help: "Time one cluster's collection took: its sources fetched and its snapshot built.",
      labelNames: ['cluster'],
      buckets: COLLECTION_DURATION_BUCKETS,
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'mesh_source_errors_total',
      help: 'Collections in which a source of the cluster failed (its checks went unknown and the reports stale).',
      labelNames: ['cluster', 'source'],
      registers: [registry],
    });
    // Series exist from startup at 0, so increase() sees the first failure.
    for (const c of clusters) {
      this.duration.zero({ cluster: c.name });
      for (const source of c.sources)
        this.errors.inc({ cluster: c.name, source }, 0);
    }
  }

  clusterCollected(collection: ClusterCollection): void {
    this.duration.observe(
      { cluster: collection.cluster },
      collection.durationSeconds,
    );
    for (const source of collection.failedSources)
      this.errors.inc({ cluster: collection.cluster, source });
  }
}
