import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Running a collection now (`POST /v1/refresh`). It costs every source of the cluster a
 * full fetch, so it is a permission of its own, apart from reading reports.
 */
export const meshRefreshPermission = createPermission({
  name: 'mesh.refresh',
  attributes: { action: 'update' },
});

/** Every permission of the mesh plugins, for the permission policy and the registry. */
export const meshPermissions = [meshRefreshPermission];
