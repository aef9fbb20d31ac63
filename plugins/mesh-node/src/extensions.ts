import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { MeshCheck } from './checks';
import {
  KubernetesSource,
  MeshClusterInfo,
  MetricsSource,
  PromQuerier,
  TracingSource,
} from './sources';

/** Lets a backend module add readiness checks to the `mesh` plugin. */
export interface MeshChecksExtensionPoint {
  /**
   * Adds checks. Each has its own id (not one of the built-in ids) and the same pure
   * contract as the built-in checks: typed facts in, an outcome out. They run for every
   * entity after the built-in checks, and appear in reports and in `/v1/checks`.
   */
  addChecks(...checks: MeshCheck[]): void;
}

/**
 * @public
 */
export const meshChecksExtensionPoint =
  createExtensionPoint<MeshChecksExtensionPoint>({
    id: 'mesh.checks',
  });

/** The sources a factory can supply for a cluster. */
export interface MeshSourceKinds {
  kubernetes: KubernetesSource;
  metrics: MetricsSource;
  tracing: TracingSource;
}

/**
 * Builds a source for a cluster, or returns undefined to leave that cluster to the
 * next factory (and in the end to the built-in source).
 */
export type MeshSourceFactory<K extends keyof MeshSourceKinds> = (
  cluster: MeshClusterInfo,
) => MeshSourceKinds[K] | undefined;

/** Lets a backend module add or replace where the `mesh` plugin collects from. */
export interface MeshSourcesExtensionPoint {
  /**
   * Supplies a whole source for the `mesh.clusters` entries the factory answers for: a
   * Kubernetes source from another inventory, metrics from a system that does not speak
   * PromQL. Factories are asked in the order they were added; the built-in source
   * serves the clusters none answers for.
   */
  addSourceFactory<K extends keyof MeshSourceKinds>(
    kind: K,
    factory: MeshSourceFactory<K>,
  ): void;
  /**
   * Sends the built-in query catalog through another PromQL client: Thanos, Mimir or
   * Cortex behind an auth or tenant header. The queries, sharding and parsing stay the
   * plugin's own.
   */
  addPromQuerier(
    factory: (cluster: MeshClusterInfo) => PromQuerier | undefined,
  ): void;
}

/**
 * @public
 */
export const meshSourcesExtensionPoint =
  createExtensionPoint<MeshSourcesExtensionPoint>({
    id: 'mesh.sources',
  });
