import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';

const isComponent = (entity: Entity) =>
  entity.kind.toLocaleLowerCase('en-US') === 'component';

/**
 * The "Tech Insights" tab of Components, at `/catalog/:namespace/:kind/:name/tech-insights`.
 * Demo only: it stands in for the community Tech Insights frontend, which the registry
 * this demo installs from does not serve, so that the mesh checks can be seen in a browser.
 */
export const techInsightsContent = EntityContentBlueprint.make({
  name: 'tech-insights',
  params: {
    path: 'tech-insights',
    title: 'Tech Insights',
    filter: isComponent,
    loader: () =>
      import('./TechInsightsScorecard').then(m => <m.TechInsightsScorecard />),
  },
});

export const techInsightsModule = createFrontendModule({
  pluginId: 'app',
  extensions: [techInsightsContent],
});
