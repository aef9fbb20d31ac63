import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { meshPermissions } from '@mesh-readiness/plugin-mesh-common';
import {
  MeshCheck,
  meshChecksExtensionPoint,
  meshSourcesExtensionPoint,
} from '@mesh-readiness/plugin-mesh-node';
import { registerMeshActions } from './actions';
import { SourceExtensions } from './collector/clusterSources';
import { collectorParts } from './collector/wiring';
import { collectionWorker } from './collector/worker/host';
import { MeshCollector, runDeadlineOf } from './collector/MeshCollector';
import { collectTaskId, TriggeredRefresh } from './collector/triggeredRefresh';
import { readMeshConfig } from './config';
import { ClusterFleetService } from './service/ClusterFleetService';
import { createMeshMetrics } from './metrics';
import {
  meshEntityResourceRef,
  meshReportReadRules,
  RULE_FIELDS,
} from './permissions';
import { createRouter } from './router';
import { MeshAccess } from './service/access';
import { AttestationService } from './service/AttestationService';
import { MeshReportService } from './service/MeshReportService';
import { CatalogEntities } from './service/catalogEntities';
import { ReportReadPermission } from './service/reportReads';
import { ScorecardService } from './service/ScorecardService';
import { WaiverService } from './service/WaiverService';
import { openStores } from './store';

/**
 * How long a triggered task may wait before a collecting replica's scheduler notices it
 * (the scheduler checks for due work every few seconds).
 */
const TRIGGER_PICKUP_MS = 15_000;

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
        lifecycle: coreServices.lifecycle,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
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
        lifecycle,
        userInfo,
        catalog,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions(meshPermissions);
        // The rules of mesh.report.read's conditions. getResources lets the permission
        // backend resolve them for other callers (e.g. the frontend's usePermission
        // with a resource ref); it loads entities as the plugin, since only the rules'
        // fields are read and the caller's visibility is checked on every read.
        permissionsRegistry.addResourceType({
          resourceRef: meshEntityResourceRef,
          rules: Object.values(meshReportReadRules),
          getResources: async resourceRefs => {
            const { items } = await catalog.getEntitiesByRefs(
              { entityRefs: resourceRefs, fields: RULE_FIELDS },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            return items.map(e => e ?? undefined);
          },
        });
        const reads = new ReportReadPermission({
          permissions,
          rules: permissionsRegistry.getPermissionRuleset(
            meshEntityResourceRef,
          ),
        });
        const meshConfig = readMeshConfig(config, { logger });
        if (meshConfig.clusters.length === 0) {
          logger.warn(
            'No mesh.clusters configured: reports will say that nothing is collected',
          );
        }
        const { registry, context, sourcesFactory } = collectorParts(
          config,
          meshConfig,
          { checks: customChecks, sources },
        );
        const stores = await openStores(database, {
          declaredAttestations: meshConfig.attestations,
        });
        const metrics = createMeshMetrics({
          scorecard: stores.scorecard,
          checkIds: () => registry.definitions().map(d => d.id),
          clusters: meshConfig.clusters.map(c => ({
            name: c.name,
            sources: [
              'kubernetes' as const,
              ...(c.prometheus ? ['prometheus' as const] : []),
              ...(c.tracing ? ['tracing' as const] : []),
            ],
          })),
          checkStatusZeros: meshConfig.metrics.checkStatusZeros,
        });
        const executor = meshConfig.collector.worker
          ? await collectionWorker({
              config,
              database: await database.getClient(),
              extensions: { checks: customChecks, sources },
              catalog,
              auth,
              logger,
              observer: metrics.observer,
              written: reports => stores.reports.recent.written(reports),
            })
          : undefined;
        if (executor) lifecycle.addShutdownHook(() => executor.close());
        const collector = new MeshCollector({
          config: meshConfig,
          observer: metrics.observer,
          catalog,
          auth,
          stores,
          logger,
          registry,
          context,
          sourcesFactory,
          executor,
          remote: meshConfig.collector.enabled
            ? undefined
            : new TriggeredRefresh({
                scheduler,
                runs: stores.runs,
                waitMs: runDeadlineOf(meshConfig) + TRIGGER_PICKUP_MS,
              }),
        });

        // One task per cluster: with several replicas on one database the scheduler
        // spreads the clusters across them and never runs one cluster twice at once.
        // A replica that does not collect schedules none, so it never runs one.
        if (meshConfig.collector.enabled) {
          for (const cluster of meshConfig.clusters) {
            await scheduler.scheduleTask({
              id: collectTaskId(cluster.name),
              ...meshConfig.schedule,
              fn: async () => {
                await collector.collect({ clusters: [cluster.name] });
              },
            });
          }
        } else {
          logger.info(
            'mesh.collector.enabled is false: this replica serves reads and triggers collections on the collecting replicas',
          );
        }

        const access = new MeshAccess({
          httpAuth,
          auth,
          permissions,
          requireAuth: meshConfig.requireAuth,
          refreshLimit: meshConfig.refreshLimit,
          reads,
        });
        // One view of the catalog for every service: its cache and batches are shared.
        const entities = new CatalogEntities(catalog);
        const service = new MeshReportService({
          entities,
          stores,
          collector,
          registry,
          context,
          staleAfterMs: meshConfig.staleAfterMs,
          reads,
        });
        const scorecard = new ScorecardService({
          catalog,
          scorecard: stores.scorecard,
          history: stores.history,
          checkIds: () => registry.definitions().map(d => d.id),
          reads,
        });
        const attestations = new AttestationService({
          entities,
          store: stores.attestations,
          permissions,
          userInfo,
          collector,
          logger,
          reads,
        });
        const waivers = new WaiverService({
          entities,
          store: stores.waivers,
          userInfo,
          collector,
          logger,
          checkIds: () => registry.definitions().map(d => d.id),
          reads,
        });
        const clusters = new ClusterFleetService({
          clusters: () => meshConfig.clusters.map(c => c.name),
          fleet: stores.clusterFleet,
          runs: stores.runs,
          visibleClusters: async credentials =>
            new Set(
              (await scorecard.rollups('cluster', {}, credentials)).rollups.map(
                r => r.key,
              ),
            ),
        });
        registerMeshActions({ actionsRegistry, service, scorecard, userInfo });
        httpRouter.use(
          await createRouter({
            service,
            access,
            attestations,
            scorecard,
            waivers,
            clusters,
            metrics: {
              exposition: metrics.exposition,
              allowUnauthenticated: meshConfig.metrics.allowUnauthenticated,
            },
          }),
        );
        for (const policy of access.policies())
          httpRouter.addAuthPolicy(policy);
        if (meshConfig.metrics.allowUnauthenticated)
          httpRouter.addAuthPolicy({
            path: '/metrics',
            allow: 'unauthenticated',
          });
      },
    });
  },
});
