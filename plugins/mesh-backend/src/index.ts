/**
 * The `mesh` backend plugin: service-mesh health and production readiness per entity.
 *
 * @packageDocumentation
 */
export { meshPlugin as default } from './plugin';
export { readMeshConfig } from './config';
export type { MeshConfig, ClusterConfig } from './config';
export {
  createMeshReportReadConditionalDecision,
  meshEntityResourceRef,
  meshReportReadConditions,
  meshReportReadRules,
} from './permissions';
