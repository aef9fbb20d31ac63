import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  ChecksResponse,
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';

/**
 * Client of the mesh backend's REST API (`/api/mesh`).
 *
 * @public
 */
export interface MeshApi {
  /**
   * The latest report of an entity, or `undefined` when the entity is known but no
   * report has been collected for it yet. Any other failure throws a ResponseError.
   */
  getReport(entityRef: CompoundEntityRef): Promise<MeshReport | undefined>;
  /**
   * Runs a collection now and resolves once it finished. With an entity ref, only the
   * clusters of that entity are collected.
   */
  refresh(entityRef?: string): Promise<RefreshResponse>;
  /** The catalog of check definitions the backend implements. */
  getChecks(): Promise<ChecksResponse>;
}

/** @public */
export const meshApiRef = createApiRef<MeshApi>({
  id: 'plugin.mesh.service',
});
