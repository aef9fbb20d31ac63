// The catalog exports its resource type from /alpha only (1.2); it is stable in use.
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading an entity's mesh data: its report, history, attestations and waivers, and its
 * row in the fleet's scorecard, roll-ups and trends. A resource permission on the catalog
 * entity, so a policy may answer with conditions (e.g. "only entities my team owns"),
 * which the mesh plugin applies to each entity (rules: see the backend's
 * `meshReportReadConditions`). On top of it, the caller must see the entity in the
 * catalog.
 */
export const meshReportReadPermission = createPermission({
  name: 'mesh.report.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Running a collection now (`POST /v1/refresh`). It costs every source of the cluster a
 * full fetch, so it is a permission of its own, apart from reading reports.
 */
export const meshRefreshPermission = createPermission({
  name: 'mesh.refresh',
  attributes: { action: 'update' },
});

/**
 * Attesting a checklist line for a catalog entity (and withdrawing an attestation). A
 * resource permission on the entity, so a policy can answer with the catalog's
 * conditions (e.g. "only for entities the user's team owns").
 */
export const meshAttestationCreatePermission = createPermission({
  name: 'mesh.attestation.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Waiving a check for an entity: deciding that a failing line does not count. */
export const meshWaiverManagePermission = createPermission({
  name: 'mesh.waiver.manage',
  attributes: { action: 'update' },
});

/** Every permission of the mesh plugins, for the permission policy and the registry. */
export const meshPermissions = [
  meshReportReadPermission,
  meshRefreshPermission,
  meshAttestationCreatePermission,
  meshWaiverManagePermission,
];
