import { Config, ConfigReader } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';
import {
  KubernetesSource,
  MeshClusterInfo,
  MeshSourceFactory,
  MeshSourceKinds,
  MetricsSource,
  PromQuerier,
  TracingSource,
} from '@mesh-readiness/plugin-mesh-node';
import { ClusterConfig } from '../config';
import { KubernetesApiSource } from '../sources/kubernetes/KubernetesApiSource';
import { ManifestsDirSource } from '../sources/kubernetes/ManifestsDirSource';
import { DEFAULT_RETRY } from '../sources/http';
import { PrometheusClient } from '../sources/prometheus/PrometheusClient';
import { PrometheusSource } from '../sources/prometheus/PrometheusSource';
import { createTracingSource } from '../sources/tracing/createTracingSource';

export interface ClusterSources {
  kubernetes: KubernetesSource;
  metrics?: MetricsSource;
  tracing?: TracingSource;
}

export type ClusterSourcesFactory = (
  cluster: ClusterConfig,
  window: string,
) => ClusterSources;

/** What adopters' modules added through the sources extension point. */
export interface SourceExtensions {
  factories: {
    [K in keyof MeshSourceKinds]: MeshSourceFactory<K>[];
  };
  queriers: Array<(cluster: MeshClusterInfo) => PromQuerier | undefined>;
}

export const NO_SOURCE_EXTENSIONS: SourceExtensions = {
  factories: { kubernetes: [], metrics: [], tracing: [] },
  queriers: [],
};

/** Whether modules added any source or PromQL client. */
export function hasSourceExtensions(sources: SourceExtensions): boolean {
  return (
    sources.queriers.length > 0 ||
    Object.values(sources.factories).some(list => list.length > 0)
  );
}

/** Client configuration for a live API server, from the mesh or Kubernetes plugin config. */
export function kubeConfigFor(cluster: ClusterConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  const k = cluster.kubernetes;
  if (k.type === 'in-cluster') {
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  if (k.type !== 'api')
    throw new Error(`cluster '${cluster.name}' is not a live API server`);
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: k.url,
        caData: k.caData,
        skipTLSVerify: k.skipTLSVerify ?? false,
      },
    ],
    users: [{ name: 'mesh-plugin', token: k.serviceAccountToken }],
    contexts: [
      { name: 'mesh-plugin', cluster: cluster.name, user: 'mesh-plugin' },
    ],
    currentContext: 'mesh-plugin',
  });
  return kubeConfig;
}

function first<T>(
  factories: Array<(c: MeshClusterInfo) => T | undefined>,
  info: MeshClusterInfo,
): T | undefined {
  for (const factory of factories) {
    const made = factory(info);
    if (made) return made;
  }
  return undefined;
}

/**
 * Builds the sources a cluster's config names: adopters' factories first, then the
 * built-in ones. `rawConfigOf` gives a factory the cluster's own config entry.
 */
export function createClusterSourcesFactory(
  extensions: SourceExtensions = NO_SOURCE_EXTENSIONS,
  rawConfigOf: (name: string) => Config | undefined = () => undefined,
): ClusterSourcesFactory {
  return (cluster, window) => {
    const info: MeshClusterInfo = {
      name: cluster.name,
      config:
        rawConfigOf(cluster.name) ?? new ConfigReader({ name: cluster.name }),
    };
    const prometheus = cluster.prometheus;
    const querier = prometheus
      ? first(extensions.queriers, info) ??
        new PrometheusClient({
          url: prometheus.url,
          headers: prometheus.headers,
          timeoutMs: prometheus.timeoutMs,
          retry: { ...DEFAULT_RETRY, retries: prometheus.retries },
        })
      : undefined;
    return {
      kubernetes:
        first(extensions.factories.kubernetes, info) ??
        (cluster.kubernetes.type === 'manifests'
          ? new ManifestsDirSource(cluster.kubernetes.manifestsDir)
          : new KubernetesApiSource({
              kubeConfig: kubeConfigFor(cluster),
              retry: {
                ...DEFAULT_RETRY,
                retries: cluster.kubernetes.retries ?? DEFAULT_RETRY.retries,
              },
            })),
      metrics:
        first(extensions.factories.metrics, info) ??
        (prometheus && querier
          ? new PrometheusSource({
              querier,
              description: `Prometheus ${prometheus.url}`,
              window,
              concurrency: prometheus.concurrency,
              shardCount: prometheus.shards,
              recordingRules: prometheus.recordingRules,
            })
          : undefined),
      tracing:
        first(extensions.factories.tracing, info) ??
        (cluster.tracing ? createTracingSource(cluster.tracing) : undefined),
    };
  };
}

export const createClusterSources: ClusterSourcesFactory =
  createClusterSourcesFactory();
