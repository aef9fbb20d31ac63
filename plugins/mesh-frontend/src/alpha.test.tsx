import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import meshPlugin, { entityMeshContent } from './alpha';
import { entity } from './__fixtures__/reports';

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
});
