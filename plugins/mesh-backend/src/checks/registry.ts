import {
  CheckDefinition,
  CheckResult,
  SourceKind,
} from '@mesh-readiness/plugin-mesh-common';
import { healthGoldenSignalsCheck } from './healthGoldenSignals';
import { meshEnrollmentCheck } from './meshEnrollment';
import { CheckOutcome, EntityContext, MeshCheck } from './types';

/** Every implemented check, in the order the report lists them. Add a check here. */
export const CHECKS: MeshCheck[] = [
  meshEnrollmentCheck,
  healthGoldenSignalsCheck,
];

export function checkDefinitions(): CheckDefinition[] {
  return CHECKS.map(c => c.definition);
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
export function unknownResults(
  reason: string,
  overrides: Partial<Record<string, CheckOutcome>> = {},
): CheckResult[] {
  return CHECKS.map(check =>
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

export function runChecks(ctx: EntityContext): CheckResult[] {
  return CHECKS.map(check => {
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
