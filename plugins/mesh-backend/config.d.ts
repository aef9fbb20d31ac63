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
    /** The Prometheus export, `GET /api/mesh/metrics`. */
    metrics?: {
      /**
       * When true, `/metrics` answers without a token (an auth-policy exception for that
       * path only), for a Prometheus that cannot send one. Defaults to false: a user or
       * service token is required, as on every other route.
       */
      allowUnauthenticated?: boolean;
      /**
       * When true, `mesh_check_status` also has the 0 of every status that is not the
       * current one (strict one-hot, 6 series per check and entity instead of 1).
       * Defaults to false.
       */
      checkStatusZeros?: boolean;
    };
    /**
     * Where the collection runs. With several replicas on one database, a deployment can
     * keep collection off the replicas that serve reads: `enabled: false` on those, true
     * (the default) on one or more collecting replicas. A serving replica's refresh
     * triggers the cluster's task in the database and waits for a collecting replica to
     * finish it.
     */
    collector?: {
      /** Defaults to true. */
      enabled?: boolean;
      /**
       * Run the collections in a worker thread of this process, so that their CPU and
       * garbage collections do not delay the reads this process answers. Needs a
       * database the worker can connect to (PostgreSQL, or SQLite in a file), and no
       * checks or sources added by modules (those run in the backend's own thread);
       * otherwise the collections run in the backend's thread, and the startup log says
       * why. Defaults to false.
       */
      worker?: boolean;
    };
    /** Daily score and status points per entity, for trends. */
    history?: {
      /** Days of history kept (entity and roll-up points). Defaults to 365: scorecards compare a year. */
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
    /** The rollout step, "mesh it, compare meshed vs unmeshed metrics for a week". */
    rollout?: {
      /**
       * Days after a workload's proxies first appear during which rollout.comparison
       * compares it with before, and double instrumentation is expected (1-90).
       * Defaults to 7.
       */
      comparisonDays?: number;
    };
    /** Thresholds of the built-in checks. */
    checks?: {
      sidecarScope?: {
        /** Istio clusters with more Services than this need a Sidecar resource. Defaults to 50. */
        minServices?: number;
      };
      controlPlane?: {
        /** istiod's config push p99 above this is too slow. Defaults to 1. */
        convergenceP99Seconds?: number;
      };
      certificates?: {
        /** Days before a mesh certificate expires from which it is a warning. Defaults to 60. */
        warnDays?: number;
        /** Days before expiry from which it fails. Defaults to 14. */
        failDays?: number;
        /**
         * Fail the check while no one has attested the cert rotation drill ("kill the
         * issuer, watch what happens"). Defaults to false: the expiry verdict stands and the
         * summary says the drill is not attested. An expired attestation always fails.
         */
        requireRotationDrill?: boolean;
      };
      tracePropagation?: {
        /** Outbound proxy spans needed before trace propagation is judged. Defaults to 20. */
        minSamples?: number;
      };
      rollout?: {
        /**
         * @deprecated Use `mesh.rollout.comparisonDays`; read (with a startup warning)
         * only when that is unset.
         */
        comparisonDays?: number;
        /** A p99 this many percent above the unmeshed one is a regression. Defaults to 20. */
        maxP99IncreasePercent?: number;
        /** An error rate this many points above the unmeshed one is a regression. Defaults to 1. */
        maxErrorRateIncreasePoints?: number;
      };
    };
    /**
     * Severity per check id, over the check definitions' own (issue 10's list; adopters'
     * checks without one are `medium`). Critical weighs 3 in the score, high 2, medium 1;
     * a critical check failing keeps an entity below `almost-ready`, and one `unknown`
     * below `production-ready`. An id no check has fails startup.
     */
    severities?: { [checkId: string]: 'critical' | 'high' | 'medium' };
    /**
     * Attestations as code: a person's answer to a checklist line (operations.runbook,
     * operations.on-call, control-plane.certificates' rotation drill), kept in config beside
     * the runbook it points to. Listed with those made through the API; withdrawn by
     * removing them here.
     */
    attestations?: Array<{
      /** The component, or the group or system whose entities it covers. */
      entityRef: string;
      checkId: string;
      note: string;
      link?: string;
      /** The user entity ref of who attested, e.g. `user:default/ana`. */
      by: string;
      /** When it was attested (ISO date or time). */
      at: string;
      /** When it stops counting (ISO date or time). */
      expiresAt: string;
    }>;
    /**
     * Links out to the tools teams already use: http(s) URL templates, checked at startup
     * (a bad one fails it, naming the key). Values are filled in URL-encoded, and only
     * from valid Kubernetes names; a workload whose names are not gets no link. The
     * workload templates take `{cluster}`, `{namespace}`, `{workload}` and `{kind}`
     * (lower-cased, e.g. `deployment`); only `{cluster}` may stand in the host.
     */
    links?: {
      /** The tracing UI's page for one trace, e.g. `https://jaeger.example.com/trace/{traceId}`. */
      tracing?: string;
      /**
       * Kiali, for Istio workloads, e.g.
       * `https://kiali.example.com/kiali/console/namespaces/{namespace}/workloads/{workload}?clusterName={cluster}`.
       */
      kiali?: string;
      /**
       * The Linkerd viz dashboard, for Linkerd workloads, e.g.
       * `https://linkerd.example.com/namespaces/{namespace}/{kind}s/{workload}`.
       */
      linkerdViz?: string;
      /**
       * Grafana, for every workload, e.g.
       * `https://grafana.example.com/d/istio-workload?var-namespace={namespace}&var-workload={workload}`.
       */
      grafana?: string;
      /**
       * The tracing UI's search for one service, e.g.
       * `https://jaeger.example.com/search?service={workload}.{namespace}`. Without it the
       * report has no tracing link: `tracing` opens one trace, not a workload.
       */
      tracingSearch?: string;
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
        /**
         * Retries (0–5) of a list call refused, shed (429) or answered 502/503/504 by an
         * API server, with exponential backoff and jitter. Defaults to 2.
         */
        retries?: number;
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
         * Retries (0–5) of a refused connection or a 429/502/503/504, with exponential
         * backoff and jitter. Defaults to 2.
         */
        retries?: number;
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
