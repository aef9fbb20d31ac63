/**
 * `upgrade.disruption-budget`: a mesh upgrade restarts every meshed pod (and drains nodes);
 * replicas and a PodDisruptionBudget must let that proceed without downtime.
 *
 * Per meshed Deployment, StatefulSet or ReplicaSet:
 * - a PDB that allows no disruption: `maxUnavailable: 0`, `minAvailable` ≥ the replicas
 *   (percentages rounded up, as the disruption controller does), or the API's
 *   `status.disruptionsAllowed: 0` when the spec would also allow none: `fail`; it blocks
 *   evictions, so node drains during the upgrade hang;
 * - several PDBs selecting the same pods: `fail` (the eviction API refuses such pods);
 * - one replica: a StatefulSet is `fail` (its rolling update deletes the only pod before
 *   the new one starts: downtime on every restart); a Deployment is `warn` (its default
 *   `maxSurge` starts the new pod first, but a node drain still takes the only pod down,
 *   and no PDB can both protect it and let the drain proceed);
 * - 2+ replicas and no PDB: `warn` (the rolling restart proceeds, but a drain may evict
 *   every replica at once);
 * - a PDB that lets every replica go at once (`maxUnavailable` ≥ replicas, `minAvailable:
 *   0`): `warn`, it protects nothing;
 * - 2+ replicas and a PDB allowing at least one disruption, but the status says none are
 *   allowed right now (unhealthy pods): `warn`;
 * - otherwise `pass`.
 * DaemonSets, Jobs, CronJobs and bare Pods are `not-applicable` (DaemonSets roll node by
 * node under their own `maxUnavailable`; Jobs run to completion; a bare Pod is not rolled).
 * Deployments scaled to zero are `not-applicable` too.
 */
import {
  CHECK_DEFINITIONS,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  IntOrPercent,
  MeshCheck,
  PodDisruptionBudgetFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { selectorLabels, workloadRef, worstStatus } from '../workload/support';

const ROLLED_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

const NOT_ROLLED: Record<string, string> = {
  DaemonSet:
    'a DaemonSet rolls node by node under its own updateStrategy.rollingUpdate.maxUnavailable; PDBs do not govern it',
  Job: 'a Job runs to completion; its next pods start with the new proxy',
  CronJob:
    'a CronJob runs to completion; its next pods start with the new proxy',
  Pod: 'a bare Pod has no controller to roll it: it must be re-created by hand',
};

/** A count or percentage of `replicas`, rounded up as the disruption controller does. */
export function scaled(
  value: IntOrPercent,
  replicas: number,
): number | undefined {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value.trim());
  if (m) return Math.ceil((Number(m[1]) * replicas) / 100);
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** How many pods the PDB lets go at once, by its spec; undefined when it cannot tell. */
export function allowedBySpec(
  pdb: PodDisruptionBudgetFacts,
  replicas: number,
): number | undefined {
  if (pdb.maxUnavailable !== undefined) {
    const n = scaled(pdb.maxUnavailable, replicas);
    return n === undefined ? undefined : Math.max(0, Math.min(n, replicas));
  }
  if (pdb.minAvailable !== undefined) {
    const n = scaled(pdb.minAvailable, replicas);
    return n === undefined ? undefined : Math.max(0, replicas - n);
  }
  return undefined;
}

function pdbRef(p: PodDisruptionBudgetFacts): string {
  return `${p.ref.namespace}/${p.ref.name}`;
}

function budgetText(p: PodDisruptionBudgetFacts): string {
  if (p.maxUnavailable !== undefined)
    return `maxUnavailable: ${p.maxUnavailable}`;
  if (p.minAvailable !== undefined) return `minAvailable: ${p.minAvailable}`;
  return 'neither minAvailable nor maxUnavailable';
}

function pdbYaml(w: EntityWorkload): string {
  const labels = selectorLabels(w);
  return [
    'apiVersion: policy/v1',
    'kind: PodDisruptionBudget',
    'metadata:',
    `  name: ${w.workload.name}`,
    `  namespace: ${w.workload.namespace}`,
    'spec:',
    '  maxUnavailable: 1',
    '  selector:',
    '    matchLabels:',
    ...Object.entries(labels).map(([k, v]) => `      ${k}: "${v}"`),
  ].join('\n');
}

function scaleCommand(w: EntityWorkload): string {
  const { kind, name, namespace } = w.workload;
  return `kubectl scale ${kind.toLowerCase()} ${name} -n ${namespace} --replicas=2`;
}

function relaxCommand(p: PodDisruptionBudgetFacts): string {
  return `kubectl patch pdb ${p.ref.name} -n ${p.ref.namespace} --type merge -p '{"spec":{"minAvailable":null,"maxUnavailable":1}}'`;
}

interface Judged {
  ref: string;
  status: CheckStatus;
  why: string;
  evidence: Record<string, unknown>;
  fix?: string;
}

function judge(w: EntityWorkload): Judged {
  const ref = workloadRef(w);
  const replicas = w.workload.replicas ?? w.workload.pods.length;
  const pdbs = w.mesh.disruptionBudgets;
  const evidence: Record<string, unknown> = {
    workload: ref,
    kind: w.workload.kind,
    replicas,
    pods: w.workload.pods.length,
    disruptionBudgets: pdbs.map(p => ({
      kind: 'PodDisruptionBudget',
      namespace: p.ref.namespace,
      name: p.ref.name,
      minAvailable: p.minAvailable ?? null,
      maxUnavailable: p.maxUnavailable ?? null,
      disruptionsAllowed: p.disruptionsAllowed ?? null,
      allowedBySpec: allowedBySpec(p, replicas) ?? null,
    })),
  };
  if (pdbs.length > 1) {
    return {
      ref,
      status: 'fail',
      why: `${ref} is selected by ${pdbs.length} PDBs (${pdbs
        .map(pdbRef)
        .join(
          ', ',
        )}): the eviction API refuses pods with more than one, so drains hang`,
      evidence,
      fix: `# Keep one PodDisruptionBudget for these pods:\n${pdbs
        .slice(1)
        .map(p => `kubectl delete pdb ${p.ref.name} -n ${p.ref.namespace}`)
        .join('\n')}`,
    };
  }
  const pdb = pdbs[0];
  const spec = pdb ? allowedBySpec(pdb, replicas) : undefined;
  if (
    pdb &&
    (spec === 0 || (spec === undefined && pdb.disruptionsAllowed === 0))
  ) {
    return {
      ref,
      status: 'fail',
      why: `PDB ${pdbRef(pdb)} (${budgetText(
        pdb,
      )}) allows no disruption of ${ref}'s ${replicas} replica(s): it blocks the evictions of a rolling upgrade`,
      evidence,
      fix: [...(replicas < 2 ? [scaleCommand(w)] : []), relaxCommand(pdb)].join(
        '\n',
      ),
    };
  }
  if (replicas < 2) {
    const sts = w.workload.kind === 'StatefulSet';
    return {
      ref,
      status: sts ? 'fail' : 'warn',
      why: sts
        ? `${ref} runs 1 replica: a StatefulSet deletes its only pod before starting the new one, so every proxy restart is downtime`
        : `${ref} runs 1 replica: the rolling restart surges a new pod first, but a node drain takes the only pod down`,
      evidence,
      fix: [scaleCommand(w), ...(pdb ? [] : [pdbYaml(w)])].join('\n'),
    };
  }
  if (!pdb) {
    return {
      ref,
      status: 'warn',
      why: `${ref} (${replicas} replicas) has no PodDisruptionBudget: a node drain during the upgrade may evict every replica at once`,
      evidence,
      fix: pdbYaml(w),
    };
  }
  if (spec !== undefined && spec >= replicas) {
    return {
      ref,
      status: 'warn',
      why: `PDB ${pdbRef(pdb)} (${budgetText(
        pdb,
      )}) lets all ${replicas} replicas of ${ref} go at once: it protects nothing`,
      evidence,
      fix: relaxCommand(pdb),
    };
  }
  if (pdb.disruptionsAllowed === 0) {
    return {
      ref,
      status: 'warn',
      why: `PDB ${pdbRef(pdb)} (${budgetText(
        pdb,
      )}) allows no disruption right now (${pdb.currentHealthy ?? '?'} of ${
        pdb.expectedPods ?? replicas
      } pods healthy): fix the unhealthy pods before rolling`,
      evidence,
      fix: `kubectl get pods -n ${w.workload.namespace} -l ${Object.entries(
        selectorLabels(w),
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    };
  }
  return {
    ref,
    status: 'pass',
    why: `${ref}: ${replicas} replicas, PDB ${pdbRef(pdb)} (${budgetText(
      pdb,
    )}) allows ${pdb.disruptionsAllowed ?? spec ?? '?'} disruption(s)`,
    evidence,
  };
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const judged: Judged[] = [];
  const skipped: Array<{ workload: string; why: string }> = [];
  let meshed = 0;
  for (const w of ctx.workloads) {
    if (workloadMeshings(w).length === 0) continue;
    meshed++;
    const ref = workloadRef(w);
    if (!ROLLED_KINDS.has(w.workload.kind)) {
      skipped.push({
        workload: ref,
        why: NOT_ROLLED[w.workload.kind] ?? `${w.workload.kind} is not rolled`,
      });
    } else if (w.workload.replicas === 0) {
      skipped.push({ workload: ref, why: 'scaled to zero replicas' });
    } else {
      judged.push(judge(w));
    }
  }
  if (meshed === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: a mesh upgrade restarts no pod of this entity (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.map(workloadRef) },
    };
  }
  if (judged.length === 0) {
    return {
      status: 'not-applicable',
      summary: `No rolled workload: ${skipped
        .map(s => `${s.workload}: ${s.why}`)
        .join('; ')}.`,
      evidence: { skipped },
    };
  }
  const status = worstStatus(judged.map(j => j.status));
  const shown = judged.filter(j => j.status === status);
  const fixes = judged.filter(j => j.fix);
  return {
    status,
    summary: `${shown.map(j => j.why).join('; ')}.`,
    evidence: {
      workloads: judged.map(j => ({ status: j.status, ...j.evidence })),
      ...(skipped.length ? { skipped } : {}),
    },
    ...(status !== 'pass' && fixes.length
      ? { remediation: fixes.map(j => j.fix).join('\n---\n') }
      : {}),
  };
}

export const disruptionBudgetCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['upgrade.disruption-budget'],
  requiredKinds: ['Pod', 'policy/PodDisruptionBudget'],
  evaluate,
};
