import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { techInsightsFactRetrieversExtensionPoint } from '@backstage-community/plugin-tech-insights-node';
import { MESH_FACT_RETRIEVER_CONFIG_KEY } from './facts';
import { createMeshReadinessFactRetriever } from './retriever';

/**
 * The `mesh` module of the `tech-insights` plugin: adds the fact retriever
 * `mesh-readiness-retriever`, scheduled by `techInsights.factRetrievers.meshReadinessRetriever`.
 *
 * @public
 */
export const techInsightsModuleMesh = createBackendModule({
  pluginId: 'tech-insights',
  moduleId: 'mesh',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        factRetrievers: techInsightsFactRetrieversExtensionPoint,
      },
      async init({ auth, discovery, config, logger, factRetrievers }) {
        factRetrievers.addFactRetrievers({
          [MESH_FACT_RETRIEVER_CONFIG_KEY]: createMeshReadinessFactRetriever({
            auth,
            discovery,
          }),
        });
        // The tech-insights backend drops an added retriever without a word when its
        // config key is missing: say it here, where the cause is known.
        const key = `techInsights.factRetrievers.${MESH_FACT_RETRIEVER_CONFIG_KEY}`;
        if (!config.has(key)) {
          logger.warn(
            `The mesh fact retriever is not scheduled: set ${key}.cadence (a cron expression) to publish mesh readiness facts`,
          );
        }
      },
    });
  },
});
