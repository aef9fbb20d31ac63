import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Service-mesh health and readiness (plugin `mesh`). */
  mesh?: {
    /** How often collection runs, and how long one run may take. */
    schedule?: {
      frequency?: HumanDuration | string;
      timeout?: HumanDuration | string;
      initialDelay?: HumanDuration | string;
    };
    /** PromQL range for rates and quantiles, e.g. `5m`. Defaults to `5m`. */
    window?: string;
    /**
     * When false, the read routes also answer unauthenticated requests. Defaults to true.
     */
    requireAuth?: boolean;
    /** Daily score and status points per entity, for trends. */
    history?: {
      /** Days of history kept. Defaults to 90. */
      retentionDays?: number;
    };
    clusters?: Array<{
      /** Cluster name, shown in reports and matched by `backstage.io/kubernetes-cluster`. */
      name: string;
      /**
       * Where the cluster's objects come from: exactly one of `manifestsDir`, `url` or
       * `inCluster`. Leave it out to reuse the cluster of the same name declared for the
       * Kubernetes plugin (`kubernetes.clusterLocatorMethods`, type `config`).
       */
      kubernetes?: {
        /** A directory of YAML as `kubectl get -o yaml` writes it (multi-document or `kind: List`). */
        manifestsDir?: string;
        /** A live API server. */
        url?: string;
        /** The cluster the backend runs in, with its mounted service account. */
        inCluster?: boolean;
        /** @visibility secret */
        serviceAccountToken?: string;
        /** @visibility secret */
        caData?: string;
        skipTLSVerify?: boolean;
      };
      prometheus?: {
        url: string;
        /** Extra headers, e.g. for a tenant or a bearer token. @visibility secret */
        headers?: { [name: string]: string };
        /** Per-query timeout. Defaults to 30 seconds. */
        timeout?: HumanDuration | string;
        /** Queries in flight at once (1–8). Defaults to 1, the lightest load on Prometheus. */
        concurrency?: number;
      };
      tracing?: {
        type: 'jaeger' | 'tempo' | 'zipkin' | 'files';
        /** The query API of Jaeger, Tempo or Zipkin. */
        url?: string;
        /** With type `files`: a directory of Jaeger API JSON exports. */
        dir?: string;
        /** Traces fetched per service per run. Defaults to 20. */
        maxTracesPerService?: number;
        /** Requests in flight at once. Defaults to 4. */
        concurrency?: number;
      };
    }>;
  };
}
