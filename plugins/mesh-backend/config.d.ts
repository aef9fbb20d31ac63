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
    /**
     * A stored report older than this is served as stale, whatever its sources said
     * (after a restart, or when collection stopped). Defaults to three times the
     * schedule's frequency (one hour with a cron schedule).
     */
    staleAfter?: HumanDuration | string;
    /**
     * How often one user may call `POST /v1/refresh` (services are not limited). Defaults
     * to 6 per minute. The call also needs the `mesh.refresh` permission.
     */
    refreshLimit?: {
      requests?: number;
      per?: HumanDuration | string;
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
    /**
     * Request-health tolerances, in Kiali's model (`health_config.rate[].tolerance`).
     * They replace Kiali's defaults (5XX failing at 10%, 4XX degraded at 10% and failing
     * at 20%, gRPC errors and no response failing at 10%). An entity can override them
     * with the annotation `servicemesh/health-rate` (or Kiali's `health.kiali.io/rate`).
     */
    health?: {
      tolerances?: Array<{
        /** `5XX` (X = any digit), `-` (no response), or a regular expression. */
        code: string;
        /** Percent from which the share is degraded; unset: any share above zero. */
        degraded?: number;
        /** Percent from which the share is failing. */
        failure: number;
        /** Regular expression over `http` and `grpc`. Defaults to `http|grpc`. */
        protocol?: string;
        /** Regular expression over `inbound` and `outbound`. Defaults to `.*`. */
        direction?: string;
      }>;
    };
    clusters?: Array<{
      /** Cluster name, shown in reports and matched by `backstage.io/kubernetes-cluster`. */
      name: string;
      /**
       * Settings read by adopters' backend modules that add sources for this cluster
       * (`meshSourcesExtensionPoint`), e.g. a tenant for a Thanos or Mimir querier.
       */
      extensions?: { [key: string]: unknown };
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
        /** Queries in flight at once (1–8). Defaults to 4, so Prometheus evaluates the catalog on several cores. */
        concurrency?: number;
        /**
         * Namespace shards per catalog query (1–32), so one query runs on several of
         * Prometheus's cores. Defaults to `concurrency`; 1 turns sharding off.
         */
        shards?: number;
        /**
         * Read the catalog from its recording rules (docs/prometheus/recording-rules.yaml):
         * `auto` (default) uses each rule Prometheus evaluates with the catalog's own
         * expression, `true` assumes they all exist, `false` always evaluates raw series.
         */
        recordingRules?: 'auto' | boolean;
        /**
         * Retries of a query whose connection was refused or reset, or that got a 502, 503
         * or 504 (0–5), with exponential backoff and jitter, within the run's deadline.
         * Defaults to 2. A timeout is not retried.
         */
        retries?: number;
      };
      /** Where the trace-propagation and double-instrumentation checks read traces. */
      tracing?: {
        type: 'jaeger' | 'tempo' | 'zipkin' | 'files';
        /** The query API of Jaeger, Tempo or Zipkin (not with `files`). */
        url?: string;
        /** With type `files`: a directory of Jaeger API JSON (or OTLP-JSON) exports. */
        dir?: string;
        /** Extra headers, e.g. Tempo's `X-Scope-OrgID` or a bearer token. @visibility secret */
        headers?: { [name: string]: string };
        /** Traces fetched per service per run (1–1000). Defaults to 20. */
        maxTracesPerService?: number;
        /** Requests in flight at once (1–64). Defaults to 4. */
        concurrency?: number;
        /**
         * The trace service name of Linkerd's proxies, which tells their spans from the
         * application's. Defaults to `linkerd-proxy`; set it when the proxies run with
         * `LINKERD2_PROXY_TRACE_SERVICE_NAME`.
         */
        linkerdProxyService?: string;
      };
    }>;
  };
}
