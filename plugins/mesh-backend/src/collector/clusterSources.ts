import { ClusterConfig } from '../config';
import { ManifestsDirSource } from '../sources/kubernetes/ManifestsDirSource';
import { KubernetesSource } from '../sources/kubernetes/types';
import { PrometheusClient } from '../sources/prometheus/PrometheusClient';
import {
  MetricsSource,
  PrometheusSource,
} from '../sources/prometheus/PrometheusSource';

export interface ClusterSources {
  kubernetes: KubernetesSource;
  metrics?: MetricsSource;
}

export type ClusterSourcesFactory = (
  cluster: ClusterConfig,
  window: string,
) => ClusterSources;

/** Builds the sources a cluster's config names. Throws at startup for what cannot work. */
export const createClusterSources: ClusterSourcesFactory = (
  cluster,
  window,
) => {
  if (cluster.kubernetes.type !== 'manifests') {
    throw new Error(
      `mesh.clusters '${cluster.name}': kubernetes.url (a live API server) is not supported by this version yet; export the cluster with 'kubectl get namespaces,pods,deployments,statefulsets,daemonsets,replicasets -A -o yaml' and use kubernetes.manifestsDir`,
    );
  }
  return {
    kubernetes: new ManifestsDirSource(cluster.kubernetes.manifestsDir),
    metrics: cluster.prometheus
      ? new PrometheusSource(
          new PrometheusClient({
            url: cluster.prometheus.url,
            headers: cluster.prometheus.headers,
            timeoutMs: cluster.prometheus.timeoutMs,
          }),
          window,
          cluster.prometheus.url,
        )
      : undefined,
  };
};
