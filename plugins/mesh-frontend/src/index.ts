/**
 * Frontend plugin `mesh`: the "Mesh" tab of an entity page, showing whether a service
 * is meshed, healthy through the mesh and ready for production; a System's roll-up tab
 * and a Group's card.
 *
 * @packageDocumentation
 */
export { meshPlugin, EntityMeshContent, isMeshAvailable } from './plugin';
export { EntityMeshCard } from './plugin';
export { EntitySystemMeshContent, EntityGroupMeshCard } from './plugin';
export { MeshScorecardPage } from './plugin';
export { MeshDocsPage } from './plugin';
export { MESH_GUIDE, meshDocsHref } from './docs/meshGuide';
export type { MeshGuide, FlavorGuide, GuideFlavorId } from './docs/meshGuide';
export { meshApiRef, MeshClient } from './api';
export type { MeshApi } from './api';
export type { ScorecardFilters, ScorecardQuery } from './api';
export type {
  MeshReport,
  CheckResult,
  CheckStatus,
  RefreshResponse,
  ChecksResponse,
} from '@mesh-readiness/plugin-mesh-common';
