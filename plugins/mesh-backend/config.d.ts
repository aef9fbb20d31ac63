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
    clusters?: Array<{
      /** Cluster name, shown in reports and matched by `backstage.io/kubernetes-cluster`. */
      name: string;
      /** Where the cluster's objects come from: exactly one of `manifestsDir` or `url`. */
      kubernetes: {
        /** A directory of YAML as `kubectl get -o yaml` writes it (multi-document or `kind: List`). */
        manifestsDir?: string;
        /** A live API server. */
        url?: string;
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
      };
      tracing?: {
        type: 'jaeger' | 'tempo' | 'zipkin' | 'files';
        url?: string;
        dir?: string;
      };
    }>;
  };
}
