import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { techInsightsContent } from './index';

const entityOfKind = (kind: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'checkout' },
});

describe('techInsightsContent', () => {
  it('adds a Tech Insights tab at /tech-insights, only on Components', () => {
    const tester = createExtensionTester(techInsightsContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('tech-insights');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Tech Insights',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entityOfKind('Component'))).toBe(true);
    expect(filter(entityOfKind('component'))).toBe(true);
    expect(filter(entityOfKind('System'))).toBe(false);
    expect(filter(entityOfKind('Group'))).toBe(false);
  });
});
