import { Config } from '@backstage/config';
import { MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { CheckRegistry } from '../checks/registry';
import { MeshConfig } from '../config';
import { ContextOptions } from '../context/entityContext';
import {
  ClusterSourcesFactory,
  createClusterSourcesFactory,
  SourceExtensions,
} from './clusterSources';

/** What a collector is built from, besides its stores and services. */
export interface CollectorParts {
  registry: CheckRegistry;
  context: ContextOptions;
  sourcesFactory: ClusterSourcesFactory;
}

/**
 * The checks, the judging options and the sources of a collector, from the config and
 * what adopters' modules added. One function, so that the plugin and a collection worker
 * (collector/worker), which reads the same config, build the same collector.
 */
export function collectorParts(
  config: Config,
  meshConfig: MeshConfig,
  extensions: { checks: MeshCheck[]; sources: SourceExtensions },
): CollectorParts {
  const rawClusters = new Map(
    (config.getOptionalConfigArray('mesh.clusters') ?? []).map(c => [
      c.getString('name'),
      c,
    ]),
  );
  return {
    registry: new CheckRegistry(extensions.checks, undefined, {
      severities: meshConfig.severities,
    }),
    context: {
      window: meshConfig.window,
      tolerances: meshConfig.health.tolerances,
      checks: meshConfig.checks,
    },
    sourcesFactory: createClusterSourcesFactory(extensions.sources, name =>
      rawClusters.get(name),
    ),
  };
}
