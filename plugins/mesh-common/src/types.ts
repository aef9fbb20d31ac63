/**
 * The report contract shared by the backend, the frontend, scorecards and adopters.
 * Field names and meanings follow DESIGN.md ("Contracts"); add fields, never rename them.
 */

/** Outcome of one readiness check. `unknown` always carries its reason in `summary`. */
export type CheckStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'unknown'
  | 'not-applicable';

/** A service mesh the plugin understands. */
export type MeshName = 'istio' | 'linkerd';

/** The mesh of an entity: one of the meshes, none at all, or unknown (source failed). */
export type MeshProvider = MeshName | 'none' | 'unknown';

export type DataPlaneMode = 'sidecar' | 'ambient' | 'mixed' | 'none';

export type HealthStatus =
  | 'healthy'
  | 'degraded'
  | 'failing'
  | 'idle'
  | 'unknown';

export type CheckCategory =
  | 'mesh'
  | 'health'
  | 'latency'
  | 'workload'
  | 'sidecar'
  | 'security'
  | 'upgrade'
  | 'control-plane'
  | 'observability'
  | 'operations'
  | 'value';

/** Which collected data a check reads; a failing source turns its checks `unknown`. */
export type CollectedSourceKind = 'kubernetes' | 'prometheus' | 'tracing';

/** Which data a check reads: a collected source, or the catalog entity itself. */
export type SourceKind = CollectedSourceKind | 'catalog';

export interface CheckDefinition {
  id: string;
  title: string;
  category: CheckCategory;
  /** The line of the production checklist (reference document) this check serves. */
  checklistLine: string;
  /** The data the check needs. */
  sources: SourceKind[];
  /** Answered by a person in the UI rather than computed. */
  attested?: boolean;
}

export interface CheckResult {
  id: string;
  title: string;
  category: string;
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  remediation?: string;
}

export interface WorkloadSummary {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  pods: number;
  meshedPods: number;
  proxyVersions: string[];
  /** Data plane of this workload's pods. */
  dataPlane?: DataPlaneMode;
  provider?: MeshProvider;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface HealthSummary {
  status: HealthStatus;
  requestsPerSecond: number | null;
  /** Share of requests that did not fail, 0..1. */
  successRate: number | null;
  latencyMs: LatencySummary;
  /** Share of 4xx and 5xx responses, 0..1, as Kiali's tolerances use them. */
  errorRates?: { clientErrors: number | null; serverErrors: number | null };
  /** The PromQL range the figures were computed over, e.g. `5m`. */
  window?: string;
  /** Why the status is what it is, e.g. the threshold that was crossed. */
  reason?: string;
  /**
   * Error ratios per direction, protocol and tolerance, as the health calculator judged
   * them (the worst decides the status).
   */
  ratios?: HealthRatio[];
  /**
   * Requests per second of failures that the callers' proxies answered themselves, by
   * Envoy response flag (`UH` no healthy upstream, `NR` no route, `UF` connect failure…).
   */
  responseFlags?: Record<string, number>;
  /** L4 figures: all the mesh reports for ambient workloads without a waypoint. */
  tcp?: {
    connectionsPerSecond: number;
    receivedBytesPerSecond: number;
    /** Share of connections over mutual TLS, 0..1. */
    mtlsShare: number | null;
  };
}

export interface HealthRatio {
  direction: 'inbound' | 'outbound';
  /** `http`, `grpc` or `http|grpc`. */
  protocol: string;
  /** The response codes the tolerance counts, e.g. `5XX`, `-`, `^[1-9]$|^1[0-6]$`. */
  code: string;
  /** Share of the protocol's requests with such a code, 0..1. */
  ratio: number;
  status: 'healthy' | 'degraded' | 'failing';
}

export interface SourceStatus {
  name: string;
  cluster: string;
  ok: boolean;
  /**
   * The source answered, but parts of its input were skipped (a malformed manifest
   * document, an unreadable file, a query warning): `error` names them.
   */
  partial?: boolean;
  error?: string;
  fetchedAt: string;
}

export interface Readiness {
  /** 0..100 */
  score: number;
  level: ReadinessLevel;
  passed: number;
  applicable: number;
}

export type ReadinessLevel =
  | 'production-ready'
  | 'nearly-ready'
  | 'in-progress'
  | 'not-ready'
  | 'unmapped';

export interface MeshReport {
  entityRef: string;
  generatedAt: string;
  /** True when a source failed in the last run and some data comes from an earlier run. */
  stale: boolean;
  /** Why the report is stale. */
  staleReason?: string;
  /** When every source last answered for this entity. */
  lastGoodAt?: string;
  mesh: { provider: MeshProvider; dataPlane: DataPlaneMode };
  workloads: WorkloadSummary[];
  health: HealthSummary;
  checks: CheckResult[];
  readiness: Readiness;
  sources: SourceStatus[];
}

export interface RefreshResponse {
  clusters: { name: string; ok: boolean; error?: string }[];
}

export interface ChecksResponse {
  checks: CheckDefinition[];
}

/** One day of an entity's readiness: the day's latest score and check statuses. */
export interface HistoryPoint {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  score: number;
  level: ReadinessLevel;
  statuses: Record<string, CheckStatus>;
}

export interface HistoryResponse {
  entityRef: string;
  days: number;
  points: HistoryPoint[];
}

/**
 * Machine-readable codes the API puts in `error.code` of Backstage's error body, so
 * clients match a code rather than message text.
 */
export const MESH_ERROR_CODES = {
  /** The entity exists and is mapped, but no collection has reported on it yet. */
  noReportYet: 'MESH_NO_REPORT_YET',
} as const;

export type MeshErrorCode =
  (typeof MESH_ERROR_CODES)[keyof typeof MESH_ERROR_CODES];
