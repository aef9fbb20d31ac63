import {
  CheckDefinition,
  CheckResult,
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

  constructor(extra: MeshCheck[] = []) {
    const ids = new Set<string>();
    for (const check of [...BUILTIN_CHECKS, ...extra]) {
      const id = check.definition.id;
      if (ids.has(id)) {
        throw new Error(
          `Two mesh checks have the id '${id}'; a custom check needs an id of its own`,
        );
      }
      ids.add(id);
    }
    this.checks = [...BUILTIN_CHECKS, ...extra];
  }

  definitions(): CheckDefinition[] {
    return this.checks.map(c => c.definition);
  }

  /** Every check answered `unknown` with the same reason (e.g. the entity is not mapped). */
  unknownResults(
    reason: string,
    overrides: Partial<Record<string, CheckOutcome>> = {},
  ): CheckResult[] {
    return unknownResults(this.checks, reason, overrides);
  }

  run(ctx: EntityContext): CheckResult[] {
    return runChecks(this.checks, ctx);
  }
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
        return `No ${SOURCE_LABEL[source]} is configured for cluster '${snapshot.cluster}' (mesh.clusters[].${source}).`;
      }
      if (!outcome.ok) {
        return `The ${source} source of cluster '${snapshot.cluster}' failed: ${
          outcome.error ?? 'unknown error'
        }`;
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
    const missing =
      missingSource(check.definition.sources, ctx) ??
      missingKinds(check.requiredKinds, ctx);
    if (missing) {
      return result(check, {
        status: 'unknown',
        summary: missing,
        evidence: { missingSource: true },
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
