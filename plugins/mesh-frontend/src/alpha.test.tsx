import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import meshPlugin, {
  entityGroupMeshCard,
  entityMeshContent,
  entitySystemMeshContent,
  scorecardRouteRef,
} from './alpha';
import { scorecardRouteRef as legacyScorecardRouteRef } from './routes';
import { entity } from './__fixtures__/reports';

const system = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop' },
};
const group = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a' },
};

describe('mesh plugin (new frontend system)', () => {
  it('is the plugin `mesh`', () => {
    expect(meshPlugin.pluginId).toBe('mesh');
    expect(meshPlugin.getExtension('api:mesh')).toBeDefined();
    expect(meshPlugin.getExtension('entity-content:mesh')).toBeDefined();
  });

  it('adds a Mesh tab at /mesh, only on entities mapped to workloads', () => {
    const tester = createExtensionTester(entityMeshContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('mesh');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Mesh');

    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(filter!(entity)).toBe(true);
    expect(
      filter!({
        ...entity,
        metadata: {
          name: 'y',
          annotations: {
            'backstage.io/kubernetes-label-selector': 'app=y',
          },
        },
      }),
    ).toBe(true);
    expect(filter!({ ...entity, metadata: { name: 'z' } })).toBe(false);
    expect(
      filter!({
        ...entity,
        metadata: {
          name: 'z',
          annotations: { 'backstage.io/kubernetes-id': ' ' },
        },
      }),
    ).toBe(false);
  });

  it("keeps the components' tab off Systems and Groups, annotated or not", () => {
    const filter = createExtensionTester(entityMeshContent).get(
      EntityContentBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter({ ...entity, kind: 'Resource' })).toBe(true);
    expect(filter({ ...system, metadata: entity.metadata })).toBe(false);
    expect(filter({ ...group, metadata: entity.metadata })).toBe(false);
  });

  it('adds a Mesh tab to System entities at the same path, without the route ref', () => {
    expect(meshPlugin.getExtension('entity-content:mesh/system')).toBeDefined();
    const tester = createExtensionTester(entitySystemMeshContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('mesh');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Mesh');
    // The components' tab owns the plugin's route ref; two owners would clash.
    expect(tester.get(coreExtensionData.routeRef)).toBeUndefined();
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(system)).toBe(true);
    expect(filter(entity)).toBe(false);
    expect(filter(group)).toBe(false);
  });

  it('adds a card to Group entities', () => {
    expect(meshPlugin.getExtension('entity-card:mesh/group')).toBeDefined();
    const filter = createExtensionTester(entityGroupMeshCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(filter(group)).toBe(true);
    expect(filter(system)).toBe(false);
    expect(filter(entity)).toBe(false);
  });

  it("mounts the scorecard with the legacy route ref, which the Group card's link resolves", () => {
    expect(scorecardRouteRef).toBe(legacyScorecardRouteRef);
  });
});
