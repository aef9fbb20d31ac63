import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readMeshConfig } from './config';
import { MeshCollector } from './collector/MeshCollector';
import { createRouter } from './router';
import { openStores } from './store';

/**
 * The `mesh` backend plugin: scheduled collection of mesh telemetry and configuration,
 * readiness checks, and the reports API.
 *
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init({
        logger,
        config,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        catalog,
      }) {
        const meshConfig = readMeshConfig(config);
        if (meshConfig.clusters.length === 0) {
          logger.warn(
            'No mesh.clusters configured: reports will say that nothing is collected',
          );
        }
        for (const c of meshConfig.clusters.filter(x => x.tracing)) {
          logger.warn(
            `mesh.clusters '${c.name}'.tracing is accepted but not used by this version`,
          );
        }
        const stores = await openStores(database);
        const collector = new MeshCollector({
          config: meshConfig,
          catalog,
          auth,
          stores,
          logger,
        });

        // One task per cluster: with several replicas on one database the scheduler
        // spreads the clusters across them and never runs one cluster twice at once.
        for (const cluster of meshConfig.clusters) {
          await scheduler.scheduleTask({
            id: `mesh-collect:${cluster.name}`,
            ...meshConfig.schedule,
            fn: async () => {
              await collector.collect({ clusters: [cluster.name] });
            },
          });
        }

        httpRouter.use(
          await createRouter({
            httpAuth,
            auth,
            catalog,
            stores,
            collector,
            window: meshConfig.window,
            requireAuth: meshConfig.requireAuth,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        if (!meshConfig.requireAuth) {
          httpRouter.addAuthPolicy({
            path: '/v1/reports',
            allow: 'unauthenticated',
          });
          httpRouter.addAuthPolicy({
            path: '/v1/checks',
            allow: 'unauthenticated',
          });
          httpRouter.addAuthPolicy({
            path: '/v1/history',
            allow: 'unauthenticated',
          });
        }
      },
    });
  },
});
