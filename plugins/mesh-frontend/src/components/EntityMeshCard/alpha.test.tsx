import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import meshPlugin, { entityMeshCard, entityMeshContent } from '../../alpha';
import { rootRouteRef } from '../../routes';
import { entity } from '../../__fixtures__/reports';

describe('EntityMeshCard in the new frontend system', () => {
  it('is an entity card of the plugin, on entities mapped to workloads', () => {
    expect(meshPlugin.getExtension('entity-card:mesh')).toBeDefined();
    const tester = createExtensionTester(entityMeshCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(filter!(entity)).toBe(true);
    expect(filter!({ ...entity, metadata: { name: 'z' } })).toBe(false);
  });

  it("binds the tab to the plugin's route ref, which the card links through", () => {
    const tester = createExtensionTester(entityMeshContent);
    expect(tester.get(coreExtensionData.routeRef)).toBe(rootRouteRef);
  });
});
