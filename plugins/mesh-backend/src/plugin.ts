import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { meshPermissions } from '@mesh-readiness/plugin-mesh-common';
import {
  MeshCheck,
  meshChecksExtensionPoint,
  meshSourcesExtensionPoint,
} from '@mesh-readiness/plugin-mesh-node';
import { CheckRegistry } from './checks/registry';
import {
  createClusterSourcesFactory,
  SourceExtensions,
} from './collector/clusterSources';
import { MeshCollector } from './collector/MeshCollector';
import { readMeshConfig } from './config';
import { createRouter } from './router';
import { MeshAccess } from './service/access';
import { MeshReportService } from './service/MeshReportService';
import { openStores } from './store';

/**
 * The `mesh` backend plugin: scheduled collection of mesh telemetry and configuration,
 * readiness checks, and the reports API. Wiring only.
 *
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    const customChecks: MeshCheck[] = [];
    const sources: SourceExtensions = {
      factories: { kubernetes: [], metrics: [], tracing: [] },
      queriers: [],
    };
    env.registerExtensionPoint(meshChecksExtensionPoint, {
      addChecks(...checks) {
        customChecks.push(...checks);
      },
    });
    env.registerExtensionPoint(meshSourcesExtensionPoint, {
      addSourceFactory(kind, factory) {
        (sources.factories[kind] as (typeof factory)[]).push(factory);
      },
      addPromQuerier(factory) {
        sources.queriers.push(factory);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
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
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        permissionsRegistry.addPermissions(meshPermissions);
        const meshConfig = readMeshConfig(config);
        if (meshConfig.clusters.length === 0) {
          logger.warn(
            'No mesh.clusters configured: reports will say that nothing is collected',
          );
        }
        const registry = new CheckRegistry(customChecks);
        const rawClusters = new Map(
          (config.getOptionalConfigArray('mesh.clusters') ?? []).map(c => [
            c.getString('name'),
            c,
          ]),
        );
        const context = {
          window: meshConfig.window,
          tolerances: meshConfig.health.tolerances,
        };
        const stores = await openStores(database);
        const collector = new MeshCollector({
          config: meshConfig,
          catalog,
          auth,
          stores,
          logger,
          registry,
          context,
          sourcesFactory: createClusterSourcesFactory(sources, name =>
            rawClusters.get(name),
          ),
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

        const access = new MeshAccess({
          httpAuth,
          auth,
          permissions,
          requireAuth: meshConfig.requireAuth,
          refreshLimit: meshConfig.refreshLimit,
        });
        const service = new MeshReportService({
          catalog,
          stores,
          collector,
          registry,
          context,
          staleAfterMs: meshConfig.staleAfterMs,
        });
        httpRouter.use(await createRouter({ service, access }));
        for (const policy of access.policies())
          httpRouter.addAuthPolicy(policy);
      },
    });
  },
});
