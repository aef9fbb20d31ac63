import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readMeshConfig } from './config';
import { MeshCollector } from './collector/MeshCollector';
import { createRouter } from './router';
import { ReportStore } from './store/ReportStore';

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
        const store = await ReportStore.create({ database });
        const collector = new MeshCollector({
          config: meshConfig,
          catalog,
          auth,
          store,
          logger,
        });

        await scheduler.scheduleTask({
          id: 'mesh-collect',
          ...meshConfig.schedule,
          fn: async () => {
            await collector.collect();
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth,
            auth,
            catalog,
            store,
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
        }
      },
    });
  },
});
