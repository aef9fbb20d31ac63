export { createMeshMetrics } from './registry';
export type { MeshMetrics, MeshMetricsOptions } from './registry';
export type { ObservedCluster } from './collectionMetrics';
