import { Registry } from 'prom-client';
import { CollectionMetrics, ObservedCluster } from './collectionMetrics';
import { MeshExposition } from './exposition';
import { CachedFleetSnapshot, FleetReader } from './fleetSnapshot';

export interface MeshMetricsOptions {
  scorecard: FleetReader;
  checkIds: () => string[];
  clusters: ObservedCluster[];
  checkStatusZeros?: boolean;
  /** For tests. */
  fleetCacheTtlMs?: number;
  now?: () => number;
}

export interface MeshMetrics {
  /**
   * The `/metrics` text, from the plugin's own registries: never prom-client's global
   * one, so nothing else in the process (or another plugin) leaks into it or clashes.
   */
  exposition: MeshExposition;
  /** Handed to the collector, which reports its runs through it. */
  observer: CollectionMetrics;
}

/** The `/metrics` export: the fleet gauges and the run metrics. */
export function createMeshMetrics(options: MeshMetricsOptions): MeshMetrics {
  const fleet = new CachedFleetSnapshot(options.scorecard, {
    ttlMs: options.fleetCacheTtlMs,
    now: options.now,
  });
  const live = new Registry();
  const observer = new CollectionMetrics(live, options.clusters);
  const exposition = new MeshExposition({
    live,
    fleet: () => fleet.get(),
    checkIds: options.checkIds,
    checkStatusZeros: options.checkStatusZeros,
    now: options.now,
  });
  return { exposition, observer };
}
