import { Entity } from '@backstage/catalog-model';
import {
  Attestation,
  CheckDefinition,
  CheckStatus,
  HealthSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { WorkloadMeshFacts } from './snapshot/meshFacts';
import {
  LatencyBucket,
  RequestRate,
  SourceReportedRequest,
  TcpTraffic,
} from './snapshot/metrics';
import { MetricsData } from './snapshot/queryCatalog';
import { ClusterSnapshot } from './snapshot/snapshot';
import { TracingData } from './snapshot/tracing';
import {
  InjectionDecision,
  NamespaceFacts,
  WorkloadFacts,
} from './snapshot/workloads';

/** One workload of the entity, with the facts every check reads. */
export interface EntityWorkload {
  cluster: string;
  workload: WorkloadFacts;
  namespace?: NamespaceFacts;
  /** What the injectors would do with a new pod of this workload. */
  injection: InjectionDecision;
  /** The mesh configuration that applies to this workload. */
  mesh: WorkloadMeshFacts;
}

/**
 * The entity's mesh traffic, joined from every cluster's series for its workloads. Built
 * once per entity by the context join; the health calculator and the checks read it.
 */
export interface EntityTraffic {
  /**
   * Requests the workloads received, as their own side reported them: the sidecar
   * (`destination`), or in ambient the waypoint when there is no sidecar report, or
   * Linkerd's inbound proxy.
   */
  inbound: RequestRate[];
  /**
   * Requests the callers' proxies sent towards the workloads (Istio `reporter="source"`),
   * including those that never arrived: matched by destination workload, or through the
   * destination Service when the caller's Envoy could not pick a workload.
   */
  sourceReported: SourceReportedRequest[];
  /** Requests the workloads sent, as their own proxies reported them. */
  outbound: RequestRate[];
  /** The inbound latency histogram of all the workloads together. */
  latency: LatencyBucket[];
  /** L4 traffic received (sidecars and ztunnel). */
  tcp: TcpTraffic[];
  /** `cluster/namespace/workload` of the workloads that have any mesh request or L4 series. */
  withSeries: string[];
}

/** The golden signals of the entity, judged once per entity by the health calculator. */
export interface EntityHealth extends HealthSummary {
  /**
   * `l7`: request metrics; `l4`: only connection metrics (ambient without a waypoint);
   * `none`: no mesh series at all for the entity's workloads.
   */
  signal: 'l7' | 'l4' | 'none';
}

/**
 * Thresholds of the built-in checks, as data (`mesh.checks` in app-config). A check reads
 * its own part; the defaults are those the checklist and the tools it cites use.
 */
export interface CheckSettings {
  sidecarScope: {
    /** Clusters with more Services than this need a Sidecar resource (Istio). */
    minServices: number;
  };
  controlPlane: {
    /** istiod's config push p99 (`pilot_proxy_convergence_time`) above this is slow. */
    convergenceP99Seconds: number;
  };
  certificates: {
    /** Days before expiry from which a mesh certificate is `warn` (`linkerd check`: 60). */
    warnDays: number;
    /** Days before expiry from which it is `fail`. */
    failDays: number;
    /**
     * Whether a never-attested cert rotation drill fails the check. Off by default: the
     * expiry verdict then stands and the summary says the drill is not attested.
     */
    requireRotationDrill: boolean;
  };
  tracePropagation: {
    /** Outbound proxy spans needed before a propagation ratio is judged. */
    minSamples: number;
  };
  rollout: {
    /**
     * Days after a workload's proxies first appear during which it is compared
     * (`mesh.rollout.comparisonDays`; `mesh.checks.rollout.comparisonDays` is its old name).
     */
    comparisonDays: number;
    /** A p99 latency this many percent above the unmeshed one is a regression. */
    maxP99IncreasePercent: number;
    /** An error rate this many percentage points above the unmeshed one is a regression. */
    maxErrorRateIncreasePoints: number;
  };
  links: {
    /**
     * The tracing UI's URL for one trace, `{traceId}` filled in (`mesh.links.tracing`),
     * for evidence that names traces.
     */
    tracing?: string;
  };
}

export const DEFAULT_CHECK_SETTINGS: CheckSettings = {
  sidecarScope: { minServices: 50 },
  controlPlane: { convergenceP99Seconds: 1 },
  certificates: { warnDays: 60, failDays: 14, requireRotationDrill: false },
  tracePropagation: { minSamples: 20 },
  rollout: {
    comparisonDays: 7,
    maxP99IncreasePercent: 20,
    maxErrorRateIncreasePoints: 1,
  },
  links: {},
};

/**
 * Where the entity is in the checklist's rollout step, "mesh it, compare meshed vs
 * unmeshed metrics for a week": when its workloads were first seen meshed, and whether
 * the run falls inside the comparison window (`mesh.rollout.comparisonDays`).
 */
export interface EntityRollout {
  /** ISO time the entity's workloads were first seen meshed, when it can be told. */
  meshedSince?: string;
  /** Where `meshedSince` comes from. */
  source: 'history' | 'pods' | 'unknown';
  /** The run's time is before `meshedSince` + comparisonDays. */
  inComparisonWindow: boolean;
  /** `meshedSince` + comparisonDays. */
  windowEndsAt?: string;
  /**
   * Inside the window: the entity's golden signals from its stored daily history before
   * `meshedSince` (the mesh's view then, i.e. what meshed callers reported), for the
   * comparison when the app exports no HTTP metrics of its own. Absent outside the window.
   */
  historyBaseline?: RolloutHistoryBaseline;
}

/**
 * What the stored history says of the entity's traffic before it was meshed: the days
 * read, each recorded unmeshed, and their figures; or why there is nothing to read.
 */
export type RolloutHistoryBaseline =
  | {
      available: true;
      /** UTC days read (`YYYY-MM-DD`), oldest first, all before the mesh date. */
      days: string[];
      /** Mean of the days' request rates. */
      requestsPerSecond: number;
      /** Request-weighted mean of the days' success rates (0..1); null when none had one. */
      successRate: number | null;
      /** Median of the days' p99 latencies; null when no day had one. */
      p99Ms: number | null;
    }
  | { available: false; reason: string };

/** Everything a check may read about one entity. Built once per entity per run. */
export interface EntityContext {
  entityRef: string;
  entity: Entity;
  /** The selector that mapped the entity, for messages. */
  selectorText: string;
  workloads: EntityWorkload[];
  /** The PromQL window the metric figures cover. */
  window: string;
  /** The cluster snapshots the entity's workloads were looked up in. */
  snapshots: ClusterSnapshot[];
  /** Mesh traffic of the entity's workloads, from every cluster. */
  traffic: EntityTraffic;
  /** Golden signals through the mesh, from the health calculator. */
  health: EntityHealth;
  /** Check thresholds from config, defaults filled in. */
  settings: CheckSettings;
  /** The entity's rollout window, for the checks that treat it apart. */
  rollout: EntityRollout;
  /**
   * The attestations that apply to the entity: made for it, its owner group or its
   * system; expired ones included (a check says when they lapsed), newest first.
   */
  attestations: Attestation[];
  /** The time attestations are judged at (ISO): the run's, never the check's clock. */
  attestationsAsOf: string;
  /**
   * The metric series of the workload's cluster (every query catalog entry, typed), or
   * undefined when that cluster has no working Prometheus. Per-workload series are
   * keyed by `workloadKey(w)`.
   */
  metricsFor(w: EntityWorkload): MetricsData | undefined;
  /**
   * The traces sampled in the workload's cluster, or undefined when that cluster has no
   * tracing back end or it failed (a partial answer counts: `problems` says what is
   * missing).
   */
  tracingFor(w: EntityWorkload): TracingData | undefined;
}

/** `namespace/name`, the key of a workload in every per-workload metric series. */
export function workloadKey(w: EntityWorkload): string {
  return `${w.workload.namespace}/${w.workload.name}`;
}

export interface CheckOutcome {
  status: CheckStatus;
  /** One line; for `unknown`, the reason. */
  summary: string;
  /** The figures and the objects (kind/namespace/name) the verdict rests on. */
  evidence: Record<string, unknown>;
  /** What to do, filled in for this workload, namespace and mesh. */
  remediation?: string;
}

/**
 * A readiness check: a pure function over the entity context. No I/O, no store; the
 * same context gives the same outcome.
 */
export interface MeshCheck {
  definition: CheckDefinition;
  /**
   * Kubernetes kinds the check reads (`Pod`, `apps/Deployment`,
   * `security.istio.io/PeerAuthentication`); when one could not be listed the check is
   * `unknown` and names the missing permission.
   */
  requiredKinds?: string[];
  evaluate(ctx: EntityContext): CheckOutcome;
}
