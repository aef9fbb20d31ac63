/*
 * The demo backend: the smallest real Backstage backend that hosts the mesh plugin
 * (catalog, guest auth, permissions, the app's static files), and Tech Insights with the
 * mesh module.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@mesh-readiness/plugin-mesh-backend'));
// Tech Insights, with the mesh module's facts and the json-rules-engine checker.
backend.add(import('@backstage-community/plugin-tech-insights-backend'));
backend.add(
  import('@backstage-community/plugin-tech-insights-backend-module-jsonfc'),
);
backend.add(import('@mesh-readiness/plugin-mesh-backend-module-tech-insights'));

backend.start();
