/**
 * The report contract shared by the backend, the frontend, scorecards and adopters.
 * Field names and meanings follow DESIGN.md ("Contracts"); add fields, never rename them.
 */
import type { AmbientSavings } from './ambient';

/**
 * Outcome of one readiness check. `unknown` always carries its reason in `summary`.
 * `waived` is never an outcome of a check: a report shows it for a check that an
 * annotation waived, with the real status in `evidence.waived.status` (see `CheckWaiver`).
 */
export type CheckStatus =
  | 'pass'
  | 'warn'
  | 'fail'
  | 'unknown'
  | 'not-applicable'
  | 'waived';

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
  /**
   * Weight in the score (critical 3, high 2, medium 1) and the checks that decide the
   * level. Optional for adopters' checks, which count as `medium` without it; the
   * config `mesh.severities` overrides any check's.
   */
  severity?: CheckSeverity;
  /**
   * The line of the production checklist's twelve (`CHECKLIST`) this check gives a
   * verdict on, for coverage. A check without one covers no line.
   */
  checklistItem?: ChecklistItemId;
}

export interface CheckResult {
  id: string;
  title: string;
  category: string;
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  remediation?: string;
  /** The check's severity as scored (definition, then `mesh.severities`). */
  severity?: CheckSeverity;
  /** The checklist line this check covers (see `CheckDefinition.checklistItem`). */
  checklistItem?: ChecklistItemId;
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
  /** How many of the checklist's lines have a verdict for this entity. */
  coverage?: Coverage;
}

/**
 * `not-meshed`: no pod of the entity's workloads runs a proxy or is in ambient.
 * `production-ready`: score ≥ 90, no `fail`, no `unknown` among critical checks.
 * `almost-ready`: score ≥ 70, no critical check failing. `not-ready`: the rest.
 * `unmapped`: the entity has no mapping annotations.
 */
export type ReadinessLevel =
  | 'production-ready'
  | 'almost-ready'
  | 'not-ready'
  | 'not-meshed'
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
  /**
   * What the report could not honour in the entity's annotations, e.g. a waiver of an
   * unknown check id, without a reason, or expired. Shown, never silently dropped.
   */
  problems?: ReportProblem[];
  /**
   * Links out to the tools the team already uses (Kiali, Linkerd viz, Grafana, the
   * tracing UI), one per configured template (`mesh.links`) and workload, filled in with
   * the workload's validated cluster, namespace and name.
   */
  links?: ReportLink[];
}

/** The tools `mesh.links` has URL templates for. */
export type ReportLinkTool = 'kiali' | 'linkerdViz' | 'grafana' | 'tracing';

/** One link out, to one workload (or its namespace) in one tool. */
export interface ReportLink {
  tool: ReportLinkTool;
  /** What a person reads, e.g. `Kiali: checkout (shop)`. */
  title: string;
  url: string;
  cluster: string;
  namespace: string;
  /** Absent for a namespace-wide link. */
  workload?: string;
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
  /**
   * The day's golden signals as the day's latest report measured them, for sparklines.
   * Absent on days recorded before the figures were kept.
   */
  health?: HistoryHealth;
}

/** The golden-signal figures kept per day in history. */
export interface HistoryHealth {
  requestsPerSecond: number | null;
  /** 0..1 */
  successRate: number | null;
  latencyMs: LatencySummary;
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

/* ---- Fleet scorecard (issue 10): GET /v1/scorecard, /rollups, /summary, /v1/history/rollups ---- */

/** One row of the fleet scorecard: an entity's latest stored report, flattened. */
export interface ScorecardRow {
  entityRef: string;
  kind: string;
  title: string;
  /** The owner as an entity ref (usually a group), '' when the entity names none. */
  owner: string;
  /** The System the entity is `partOf`, as an entity ref, or ''. */
  system: string;
  /** The Domain of that System (the System's `spec.domain`), or ''. */
  domain: string;
  namespaces: string[];
  clusters: string[];
  provider: MeshProvider;
  dataPlane: DataPlaneMode;
  score: number;
  level: string;
  /** Checklist lines with a verdict or an attestation, when the report says. */
  coverage: { covered: number; total: number } | null;
  stale: boolean;
  generatedAt: string;
  /** The status of every check, by check id. */
  checks: Record<string, CheckStatus | 'waived'>;
}

/** The columns the scorecard sorts by (`sort=`). */
export const SCORECARD_SORT_COLUMNS = [
  'entityRef',
  'title',
  'kind',
  'owner',
  'system',
  'domain',
  'namespaces',
  'clusters',
  'provider',
  'dataPlane',
  'score',
  'level',
  'coverage',
  'stale',
  'generatedAt',
] as const;

export type ScorecardSortColumn = (typeof SCORECARD_SORT_COLUMNS)[number];

/**
 * What `sort=` takes: a column, or `check:<check-id>` for that check's status column,
 * ordered by CHECK_STATUS_SORT_ORDER.
 */
export type ScorecardSort = ScorecardSortColumn | `check:${string}`;

/**
 * Statuses from worst to best, as `sort=check:<id>` orders them ascending (`order=desc`:
 * best first). A waived check sorts below `pass`, since it is never shown as passed; an
 * entity whose report lacks the check sorts after `not-applicable`.
 */
export const CHECK_STATUS_SORT_ORDER = [
  'fail',
  'unknown',
  'warn',
  'waived',
  'pass',
  'not-applicable',
] as const satisfies readonly CheckStatus[];

export interface ScorecardPage {
  rows: ScorecardRow[];
  /** Rows matching the filters that the caller may see. */
  total: number;
  limit: number;
  offset: number;
  /** Pass as `cursor=` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** What a roll-up groups by: ownedBy → group, partOf → system, the system's domain. */
export const SCORECARD_ROLLUP_BY = [
  'group',
  'system',
  'domain',
  'namespace',
  'cluster',
] as const;

export type ScorecardRollupBy = (typeof SCORECARD_ROLLUP_BY)[number];

export interface ScorecardRollup {
  /** The group, system or domain ref, the namespace or the cluster; '' for none. */
  key: string;
  entities: number;
  averageScore: number;
  /** Share (0..1) of the entities at each level. */
  levels: Record<string, number>;
  /** The checks failing on the most entities, most first (at most five). */
  worstChecks: { id: string; failing: number; warning: number }[];
  /** Rollout progress: workloads whose every pod runs in the mesh, out of all. */
  rollout: {
    meshedWorkloads: number;
    workloads: number;
    meshedPods: number;
    pods: number;
  };
}

export interface ScorecardRollupsResponse {
  by: ScorecardRollupBy;
  rollups: ScorecardRollup[];
}

/**
 * Sidecars counted over the fleet or one cluster: how many, how many had usage data
 * (`measured`), and the CPU and memory they request and use.
 */
export interface SidecarFleetFigures {
  count: number;
  measured: number;
  requested: { cpuCores: number; memoryBytes: number };
  used: { cpuCores: number; memoryBytes: number };
}

/** No sidecars yet: where a fleet or cluster total starts. */
export function noSidecars(): SidecarFleetFigures {
  return {
    count: 0,
    measured: 0,
    requested: { cpuCores: 0, memoryBytes: 0 },
    used: { cpuCores: 0, memoryBytes: 0 },
  };
}

export interface ScorecardSummary {
  entities: number;
  levels: Record<string, number>;
  stale: number;
  sidecars: SidecarFleetFigures;
  /** Application HTTP series kept beside the mesh's own (double instrumentation). */
  doubleInstrumentation: { appSeries: number; estimatedBytes: number };
  /** Median of the entities' trace propagation ratios; null when none was measured. */
  medianPropagationRatio: number | null;
  /**
   * What moving these sidecars to Istio ambient would save: their requests, less a
   * ztunnel on every node of the clusters they run in (from the clusters' last runs).
   */
  ambient: AmbientSavings;
}

/**
 * One cluster's fleet figures as a collection run measured them (the day's latest run):
 * its catalog entities' sidecars, double-instrumented series and propagation.
 */
export interface ClusterFleetFigures {
  cluster: string;
  /** When the run that measured them collected the cluster (ISO). */
  runAt: string;
  /** UTC day of the run, `YYYY-MM-DD`. */
  day: string;
  /** Catalog entities with a workload in the cluster. */
  entities: number;
  sidecars: SidecarFleetFigures;
  doubleInstrumentation: { appSeries: number; estimatedBytes: number };
  /** Median of the cluster's workloads' trace propagation ratios; null when none was measured. */
  medianPropagationRatio: number | null;
  /** Workloads with a measured propagation ratio. */
  propagationMeasured: number;
  /** Nodes its pods run on; null when the data names none. */
  nodes: number | null;
  ambient: AmbientSavings;
}

/** `GET /v1/clusters`: each cluster the caller sees an entity in, with its latest figures. */
export interface ClustersResponse {
  clusters: Array<{
    name: string;
    /** How its last collection ended; null before the first one. */
    lastRun: { finishedAt: string | null; ok: boolean | null } | null;
    /** The latest run's figures; absent before a run stored any. */
    fleet?: ClusterFleetFigures;
  }>;
}

/** `GET /v1/clusters/:cluster/history?days=`: one point per day, oldest first. */
export interface ClusterFleetHistoryResponse {
  cluster: string;
  days: number;
  points: ClusterFleetFigures[];
}

/** One day of a roll-up key (e.g. a group's) for trends. */
export interface RollupHistoryPoint {
  day: string;
  entities: number;
  averageScore: number;
  levels: Record<string, number>;
  meshedWorkloads: number;
  workloads: number;
}

export interface RollupHistoryResponse {
  by: ScorecardRollupBy;
  key: string;
  days: number;
  points: RollupHistoryPoint[];
}

/** `GET /v1/history/fleet?days=`: the whole fleet's readiness per day, for the trend chart. */
export interface FleetHistoryResponse {
  days: number;
  points: RollupHistoryPoint[];
}

/** How much a check weighs in the score, and whether it decides the level. */
export type CheckSeverity = 'critical' | 'high' | 'medium';

/** The lines of the reference document's production checklist, in its order. */
export type ChecklistItemId =
  | 'rollout'
  | 'stateful'
  | 'sidecar-resources'
  | 'authorization'
  | 'control-plane-ha'
  | 'cert-rotation'
  | 'upgrade-runbook'
  | 'metrics'
  | 'trace-propagation'
  | 'egress'
  | 'on-call'
  | 'mesh-how-to';

/**
 * One checklist line for one entity: `covered` when one of its checks has a verdict
 * (pass, warn or fail, an attested check included), `not-applicable` when all of its
 * checks are, `uncovered` otherwise (unknown, waived, or no check serves it).
 */
export interface CoverageLine {
  id: ChecklistItemId;
  text: string;
  state: 'covered' | 'uncovered' | 'not-applicable';
  /** The checks that serve the line. */
  checks: string[];
}

/** `covered` of `total` lines; lines that do not apply to the entity are not in `total`. */
export interface Coverage {
  covered: number;
  total: number;
  lines: CoverageLine[];
}

/**
 * A check waived by the annotation `servicemesh/waive`, in `evidence.waived` of a check
 * whose status is `waived`. The real status stays here; the check leaves the score.
 */
export interface CheckWaiver {
  status: Exclude<CheckStatus, 'waived'>;
  reason: string;
  /** `YYYY-MM-DD`, the last day the waiver applies. */
  until?: string;
  /** Who waived it, for a waiver made through the API (an annotation has no author). */
  by?: string;
  /** When, for a waiver made through the API (ISO time). */
  at?: string;
  /** Where it comes from: the entity's annotations, or `POST /v1/waivers`. */
  origin?: 'annotation' | 'api';
}

/**
 * A waiver made through the API (`POST /v1/waivers`), next to the annotation waivers.
 * Needs the permission `mesh.waiver.manage`; a reason is required, an end day optional.
 */
export interface Waiver {
  id: string;
  entityRef: string;
  checkId: string;
  reason: string;
  /** `YYYY-MM-DD`, the last day it applies; absent: until withdrawn. */
  until?: string;
  /** The user entity ref of who waived. */
  createdBy: string;
  /** ISO time. */
  createdAt: string;
}

/** `POST /v1/waivers`. */
export interface CreateWaiverRequest {
  entityRef: string;
  checkId: string;
  reason: string;
  until?: string;
}

/** `GET /v1/waivers?entityRef=`. */
export interface WaiversResponse {
  entityRef: string;
  waivers: Waiver[];
}

/** Something in the entity's annotations the report could not honour. */
export interface ReportProblem {
  annotation: string;
  message: string;
}

/**
 * A person's word for a checklist line no machine can see (`operations.runbook`,
 * `operations.on-call`, the "rotation tested" part of `control-plane.certificates`).
 * Made for an entity, or for a Group or System: then it applies to the entities the
 * group owns or the system holds.
 */
export interface Attestation {
  id: string;
  /** The entity attested for: a component, or a group or system whose entities it covers. */
  entityRef: string;
  checkId: string;
  note: string;
  /** The runbook, the drill's write-up, the training record. */
  link?: string;
  /** The user entity ref of who attested. */
  createdBy: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time after which the attestation no longer counts. */
  expiresAt: string;
}

/** `POST /v1/attestations`. */
export interface CreateAttestationRequest {
  entityRef: string;
  checkId: string;
  note: string;
  link?: string;
  expiresInDays: number;
}

/** `GET /v1/attestations?entityRef=`: those made for the entity, its owner and its system. */
export interface AttestationsResponse {
  entityRef: string;
  attestations: Attestation[];
}
