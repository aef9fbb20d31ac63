import {
  CheckDefinition,
  CheckResult,
  CheckSeverity,
  ChecklistItemId,
  DEFAULT_SEVERITY,
  SourceKind,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';

import { BUILTIN_CHECKS } from './index';

/**
 * The checks of one plugin instance: the built-in ones, then those adopters' modules
 * added through the checks extension point. Ids are unique.
 */
export class CheckRegistry {
  readonly checks: MeshCheck[];
  /** The severity each check is scored with: `mesh.severities`, else its definition's. */
  private readonly severities = new Map<string, CheckSeverity>();
  private readonly checklistItems = new Map<string, ChecklistItemId>();

  /**
   * `builtins` replaces the built-in checks, for tests about something else.
   * `severities` (config `mesh.severities`) overrides the definitions' severities; an id
   * no check has fails startup, so a typo never goes unnoticed.
   */
  constructor(
    extra: MeshCheck[] = [],
    builtins: MeshCheck[] = BUILTIN_CHECKS,
    options: { severities?: Record<string, CheckSeverity> } = {},
  ) {
    const ids = new Set<string>();
    for (const check of [...builtins, ...extra]) {
      const id = check.definition.id;
      if (ids.has(id)) {
        throw new Error(
          `Two mesh checks have the id '${id}'; a custom check needs an id of its own`,
        );
      }
      ids.add(id);
    }
    this.checks = [...builtins, ...extra];
    const overrides = options.severities ?? {};
    for (const id of Object.keys(overrides)) {
      if (!ids.has(id)) {
        throw new Error(
          `Invalid mesh configuration: mesh.severities.${id}: no check has this id`,
        );
      }
    }
    for (const check of this.checks) {
      const id = check.definition.id;
      if (check.definition.checklistItem)
        this.checklistItems.set(id, check.definition.checklistItem);
      this.severities.set(
        id,
        overrides[id] ?? check.definition.severity ?? DEFAULT_SEVERITY,
      );
    }
  }

  /** The definitions, each with the severity it is scored with. */
  definitions(): CheckDefinition[] {
    return this.checks.map(c => ({
      ...c.definition,
      severity: this.severities.get(c.definition.id),
    }));
  }

  /** Every check answered `unknown` with the same reason (e.g. the entity is not mapped). */
  unknownResults(
    reason: string,
    overrides: Partial<Record<string, CheckOutcome>> = {},
  ): CheckResult[] {
    return unknownResults(this.checks, reason, overrides).map(this.stamp);
  }

  run(ctx: EntityContext): CheckResult[] {
    return runChecks(this.checks, ctx).map(this.stamp);
  }

  /** Results carry what they are scored with, so a stored report scores alone. */
  private readonly stamp = (r: CheckResult): CheckResult => {
    // A Map, not a scan of the checks: this runs for every check of every entity.
    const checklistItem = this.checklistItems.get(r.id);
    return {
      ...r,
      severity: this.severities.get(r.id) ?? DEFAULT_SEVERITY,
      ...(checklistItem ? { checklistItem } : {}),
    };
  };
}

function result(check: MeshCheck, outcome: CheckOutcome): CheckResult {
  return {
    id: check.definition.id,
    title: check.definition.title,
    category: check.definition.category,
    ...outcome,
  };
}

/** Every check answered `unknown` with the same reason (e.g. the entity is not mapped). */
function unknownResults(
  checks: MeshCheck[],
  reason: string,
  overrides: Partial<Record<string, CheckOutcome>> = {},
): CheckResult[] {
  return checks.map(check =>
    result(
      check,
      overrides[check.definition.id] ?? {
        status: 'unknown',
        summary: reason,
        evidence: {},
      },
    ),
  );
}

const SOURCE_LABEL = {
  kubernetes: 'Kubernetes source',
  prometheus: 'Prometheus',
  tracing: 'tracing back end',
};

/**
 * Why a check cannot be judged from these snapshots: a source it needs failed or is not
 * configured for a cluster the entity runs in. Gating here, in one place, is what
 * guarantees a failed source never turns into `pass`.
 */
export function missingSource(
  sources: SourceKind[],
  ctx: Pick<EntityContext, 'snapshots' | 'workloads'>,
): string | undefined {
  return sourceGate(sources, ctx)?.reason;
}

/** The source that keeps a check from being judged, and why (see `missingSource`). */
export function sourceGate(
  sources: SourceKind[],
  ctx: Pick<EntityContext, 'snapshots' | 'workloads'>,
): { source: SourceKind; reason: string } | undefined {
  const withWorkloads = new Set(ctx.workloads.map(w => w.cluster));
  for (const snapshot of ctx.snapshots) {
    for (const source of sources) {
      if (source === 'catalog') continue;
      // Metrics matter only where the entity runs; a cluster whose objects could not be
      // read might hold its workloads, so its Kubernetes failure always counts.
      if (source !== 'kubernetes' && !withWorkloads.has(snapshot.cluster))
        continue;
      const outcome = snapshot[source] ?? {
        configured: false,
        ok: false,
      };
      if (!outcome.configured) {
        return {
          source,
          reason: `No ${SOURCE_LABEL[source]} is configured for cluster '${snapshot.cluster}' (mesh.clusters[].${source}).`,
        };
      }
      if (!outcome.ok) {
        return {
          source,
          reason: `The ${source} source of cluster '${
            snapshot.cluster
          }' failed: ${outcome.error ?? 'unknown error'}`,
        };
      }
    }
  }
  return undefined;
}

/**
 * Why a check cannot be judged because a kind it reads could not be listed (RBAC or an
 * API error) in a cluster the entity is looked up in.
 */
export function missingKinds(
  kinds: string[] | undefined,
  ctx: Pick<EntityContext, 'snapshots'>,
): string | undefined {
  if (!kinds?.length) return undefined;
  for (const snapshot of ctx.snapshots) {
    for (const u of snapshot.kubernetes.data?.unavailable ?? []) {
      const key = u.group ? `${u.group}/${u.kind}` : u.kind;
      if (kinds.includes(key)) {
        return `Cluster '${snapshot.cluster}': cannot list ${u.resource}: ${u.message}`;
      }
    }
  }
  return undefined;
}

function runChecks(checks: MeshCheck[], ctx: EntityContext): CheckResult[] {
  return checks.map(check => {
    const kinds = missingKinds(check.requiredKinds, ctx);
    const gate =
      sourceGate(check.definition.sources, ctx) ??
      (kinds ? { source: 'kubernetes', reason: kinds } : undefined);
    if (gate) {
      // The evidence names the source, so a source that answered only in part makes
      // the report stale only when a check had to wait for that very source.
      return result(check, {
        status: 'unknown',
        summary: gate.reason,
        evidence: { missingSource: gate.source },
      });
    }
    try {
      return result(check, check.evaluate(ctx));
    } catch (e) {
      return result(check, {
        status: 'unknown',
        summary: `The check failed to evaluate: ${(e as Error).message}`,
        evidence: {},
      });
    }
  });
}
