import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import meshPlugin, { meshScorecardPage, scorecardRouteRef } from '../../alpha';
import { MeshScorecardPage, meshPlugin as legacyPlugin } from '../..';

describe('fleet scorecard page extensions', () => {
  it('is a page at /mesh with a title, an icon and a route ref (new frontend system)', () => {
    expect(meshPlugin.getExtension('page:mesh/scorecard')).toBeDefined();
    const tester = createExtensionTester(meshScorecardPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/mesh');
    expect(tester.get(coreExtensionData.routeRef)).toBe(scorecardRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Mesh scorecard');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('is a routable extension of the legacy plugin', () => {
    expect(MeshScorecardPage).toBeDefined();
    expect(legacyPlugin.routes.scorecard).toBeDefined();
  });
});
