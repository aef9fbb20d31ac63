import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConfig } from '../config';
import { KubernetesApiSource } from '../sources/kubernetes/KubernetesApiSource';
import { ManifestsDirSource } from '../sources/kubernetes/ManifestsDirSource';
import { KubernetesSource } from '../sources/kubernetes/types';
import { PrometheusClient } from '../sources/prometheus/PrometheusClient';
import {
  MetricsSource,
  PrometheusSource,
} from '../sources/prometheus/PrometheusSource';
import { createTracingSource } from '../sources/tracing/createTracingSource';
import { TracingSource } from '../sources/tracing/types';

export interface ClusterSources {
  kubernetes: KubernetesSource;
  metrics?: MetricsSource;
  tracing?: TracingSource;
}

export type ClusterSourcesFactory = (
  cluster: ClusterConfig,
  window: string,
) => ClusterSources;

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

/** Builds the sources a cluster's config names. */
export const createClusterSources: ClusterSourcesFactory = (
  cluster,
  window,
) => ({
  kubernetes:
    cluster.kubernetes.type === 'manifests'
      ? new ManifestsDirSource(cluster.kubernetes.manifestsDir)
      : new KubernetesApiSource({ kubeConfig: kubeConfigFor(cluster) }),
  metrics: cluster.prometheus
    ? new PrometheusSource(
        new PrometheusClient({
          url: cluster.prometheus.url,
          headers: cluster.prometheus.headers,
          timeoutMs: cluster.prometheus.timeoutMs,
        }),
        window,
        cluster.prometheus.url,
        cluster.prometheus.concurrency,
      )
    : undefined,
  tracing: cluster.tracing ? createTracingSource(cluster.tracing) : undefined,
});
