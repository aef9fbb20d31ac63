import {
  CHECK_DEFINITIONS,
  CheckStatus,
  MeshReport,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import type { FactRetriever } from '@backstage-community/plugin-tech-insights-node';

type FactSchema = FactRetriever['schema'];

/** The id the facts are stored under; checks name it in `factIds`. */
export const MESH_FACT_RETRIEVER_ID = 'mesh-readiness-retriever';

/**
 * The key of `techInsights.factRetrievers` that schedules the retriever: the
 * tech-insights backend registers an added retriever only when this key has a cadence.
 */
export const MESH_FACT_RETRIEVER_CONFIG_KEY = 'meshReadinessRetriever';

/**
 * Bumped whenever the schema or the meaning of a fact changes: tech-insights keeps
 * each version's schema and labels every fact row with the version it was made under.
 */
export const MESH_FACT_RETRIEVER_VERSION = '0.1.0';

/** The catalog kinds the mesh reports on. */
export const MESH_ENTITY_KINDS = ['component', 'resource', 'system'] as const;

const TRACE_PROPAGATION = 'observability.trace-propagation';
const DOUBLE_INSTRUMENTATION = 'observability.double-instrumentation';

/** The checks whose evidence (not in the scorecard rows) some facts are made of. */
export const EVIDENCE_CHECK_IDS = [
  TRACE_PROPAGATION,
  DOUBLE_INSTRUMENTATION,
] as const;

/**
 * The fact of one check: `meshCheck_` and the id with every run of characters other
 * than letters and digits made one `_` (`security.mtls` → `meshCheck_security_mtls`,
 * `control-plane.ha` → `meshCheck_control_plane_ha`). Dots would read as paths in
 * json-rules-engine's `path` and lodash's `pick` (which the jsonfc checker uses to
 * echo fact values), and identifiers keep YAML check configs free of quoting.
 */
export function checkFactName(checkId: string): string {
  return `meshCheck_${checkId.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/**
 * Whether a check's status counts as passing. `not-applicable` passes: there is nothing
 * to fix, and the mesh score leaves such a check out too. `waived` does not: a waiver is
 * an accepted exception with a reason, not a pass, and a Tech Insights scorecard should
 * keep showing it (the mesh level, `meshProductionReady`, already credits the waiver).
 * `unknown` does not pass: missing data never raises a verdict.
 */
export function checkPasses(status: CheckStatus | string): boolean {
  return status === 'pass' || status === 'not-applicable';
}

/**
 * The schema of the facts, one boolean per check of the built-in catalog. A check an
 * adopter adds through the mesh extension point has no fact: the schema is stored when
 * the tech-insights backend starts, before any mesh check list could be asked for.
 */
export function meshFactSchema(
  checkIds: readonly string[] = Object.keys(CHECK_DEFINITIONS),
): FactSchema {
  const schema: FactSchema = {
    meshScore: {
      type: 'integer',
      description:
        'Mesh readiness score, 0 to 100 (weighted by check severity)',
    },
    meshLevel: {
      type: 'string',
      description:
        'Mesh readiness level: production-ready, almost-ready, not-ready, not-meshed or unmapped',
    },
    meshProductionReady: {
      type: 'boolean',
      description: 'Whether the mesh readiness level is production-ready',
    },
    meshReportStale: {
      type: 'boolean',
      description:
        'Whether a source failed in the last collection, so part of the report comes from an earlier run',
    },
    meshPropagationRatio: {
      type: 'float',
      description:
        'Share (0..1) of sampled outbound hand-offs that kept the trace context; null when no trace was judged',
    },
    meshDoubleInstrumentedSeries: {
      type: 'integer',
      description:
        "Application HTTP server series kept next to the mesh's own L7 metrics (double instrumentation); null when not measured",
    },
  };
  for (const id of checkIds) {
    const title = (CHECK_DEFINITIONS as Record<string, { title: string }>)[id]
      ?.title;
    schema[checkFactName(id)] = {
      type: 'boolean',
      description: `Mesh check ${id}${
        title ? ` (${title})` : ''
      } passes: true for pass and not-applicable; false for warn, fail, unknown and waived`,
    };
  }
  return schema;
}

/** The fact values of one entity. */
export type MeshFacts = Record<string, number | string | boolean | null>;

/** A finite number from a check's evidence, or null. */
function evidenceNumber(
  report: MeshReport | undefined,
  checkId: string,
  field: string,
): number | null {
  const value = report?.checks.find(c => c.id === checkId)?.evidence?.[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The facts of one entity: its scorecard row, and its report where the evidence facts
 * need one (absent: those facts are null). Only checks of `checkIds` (the schema's)
 * become facts; a check the row does not list is left out, so a rule on it is skipped
 * rather than failed.
 */
export function meshFacts(
  row: ScorecardRow,
  report: MeshReport | undefined,
  checkIds: readonly string[] = Object.keys(CHECK_DEFINITIONS),
): MeshFacts {
  const facts: MeshFacts = {
    meshScore: row.score,
    meshLevel: row.level,
    meshProductionReady: row.level === 'production-ready',
    meshReportStale: row.stale,
    meshPropagationRatio: evidenceNumber(
      report,
      TRACE_PROPAGATION,
      'propagationRatio',
    ),
    meshDoubleInstrumentedSeries: evidenceNumber(
      report,
      DOUBLE_INSTRUMENTATION,
      'appSeries',
    ),
  };
  for (const id of checkIds) {
    const status = row.checks[id];
    if (status !== undefined) facts[checkFactName(id)] = checkPasses(status);
  }
  return facts;
}

/**
 * Whether the entity's report must be read for its evidence facts: only when one of
 * those checks judged something. A not-applicable check has no figure to give (no
 * ratio without meshed traffic, no app series outside the mesh).
 */
export function needsReport(row: ScorecardRow): boolean {
  return EVIDENCE_CHECK_IDS.some(id => {
    const status = row.checks[id];
    return status !== undefined && status !== 'not-applicable';
  });
}

/** `kind:namespace/name` into its parts; undefined for anything else. */
export function parseFullRef(
  ref: string,
): { kind: string; namespace: string; name: string } | undefined {
  const match = /^([^:/]+):([^:/]+)\/([^:/]+)$/.exec(ref);
  return match
    ? { kind: match[1], namespace: match[2], name: match[3] }
    : undefined;
}
