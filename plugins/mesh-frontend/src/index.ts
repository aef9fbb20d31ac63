/**
 * Frontend plugin `mesh`: the "Mesh" tab of an entity page, showing whether a service
 * is meshed, healthy through the mesh and ready for production.
 *
 * @packageDocumentation
 */
export { meshPlugin, EntityMeshContent, isMeshAvailable } from './plugin';
export { meshApiRef, MeshClient } from './api';
export type { MeshApi } from './api';
export type {
  MeshReport,
  CheckResult,
  CheckStatus,
  RefreshResponse,
  ChecksResponse,
} from '@mesh-readiness/plugin-mesh-common';
