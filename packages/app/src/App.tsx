import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import meshPlugin from '@mesh-readiness/plugin-mesh/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';
import { techInsightsModule } from './modules/techInsights';

export default createApp({
  features: [
    catalogPlugin,
    meshPlugin,
    navModule,
    signInModule,
    techInsightsModule,
  ],
});
