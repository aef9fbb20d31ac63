import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  isResourcePermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  meshAttestationCreatePermission,
  meshPermissions,
  meshRefreshPermission,
  meshReportReadPermission,
  meshWaiverManagePermission,
} from './permissions';

describe('mesh permissions', () => {
  it.each<[Permission, string, string, string | undefined]>([
    [
      meshReportReadPermission,
      'mesh.report.read',
      'read',
      RESOURCE_TYPE_CATALOG_ENTITY,
    ],
    [meshRefreshPermission, 'mesh.refresh', 'update', undefined],
    [
      meshAttestationCreatePermission,
      'mesh.attestation.create',
      'create',
      RESOURCE_TYPE_CATALOG_ENTITY,
    ],
    [meshWaiverManagePermission, 'mesh.waiver.manage', 'update', undefined],
  ])('%#: %p', (permission, name, action, resourceType) => {
    expect(permission.name).toBe(name);
    expect(permission.attributes.action).toBe(action);
    expect(
      isResourcePermission(permission) ? permission.resourceType : undefined,
    ).toBe(resourceType);
    expect(meshPermissions).toContain(permission);
  });

  it('lists each permission once, by a unique name', () => {
    const names = meshPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(4);
  });
});
