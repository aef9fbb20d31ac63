/** What the security checks share: how a workload is meshed, naming, worst-of, YAML bits. */
import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  ObjectRef,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { PodMeshing, workloadMeshings } from '../../context/meshing';
import { workloadNamed } from '../../context/workloadIndex';

export type DataPlane = 'istio-sidecar' | 'istio-ambient' | 'linkerd';

export const DATA_PLANE_LABEL: Record<DataPlane, string> = {
  'istio-sidecar': 'Istio sidecar',
  'istio-ambient': 'Istio ambient',
  linkerd: 'Linkerd',
};

/**
 * The data plane most of the workload's pods use (the injectors' intent when it has no
 * pods yet), or undefined when it is not in a mesh.
 */
export function dataPlaneOf(w: EntityWorkload): DataPlane | undefined {
  const meshings = workloadMeshings(w);
  if (meshings.length === 0) return undefined;
  const key = (m: PodMeshing): DataPlane =>
    m.provider === 'linkerd'
      ? 'linkerd'
      : `istio-${m.dataPlane === 'ambient' ? 'ambient' : 'sidecar'}`;
  const counts = new Map<DataPlane, number>();
  for (const m of meshings) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** `cluster/namespace/kind/name`, how evidence names a workload. */
export function workloadLabel(w: EntityWorkload): string {
  return `${w.cluster}/${
    w.workload.namespace
  }/${w.workload.kind.toLowerCase()}/${w.workload.name}`;
}

/** `Kind namespace/name`, for summaries. */
export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

const RANK: Record<CheckStatus, number> = {
  pass: 0,
  'not-applicable': 0,
  // Never a check's own verdict (a report applies waivers after the checks).
  waived: 0,
  warn: 2,
  unknown: 1,
  fail: 3,
};

/** The worse of the statuses: fail > warn > unknown > pass. */
export function worst(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>(
    (a, b) => (RANK[b] > RANK[a] ? b : a),
    'pass',
  );
}

/**
 * Why the kinds a verdict needs could not be listed in the workload's cluster (RBAC or
 * an API error), or undefined when they were listed (or their CRD is absent).
 */
export function unlistedKinds(
  ctx: EntityContext,
  w: EntityWorkload,
  kinds: string[],
): string | undefined {
  const snap = ctx.snapshots.find(s => s.cluster === w.cluster);
  for (const u of snap?.kubernetes.data?.unavailable ?? []) {
    const key = u.group ? `${u.group}/${u.kind}` : u.kind;
    if (kinds.includes(key)) {
      return `cluster '${w.cluster}' could not list ${u.resource}: ${u.message}`;
    }
  }
  return undefined;
}

/**
 * The labels that select the workload's pods, for a policy's selector: the template's
 * `app` (or `app.kubernetes.io/name`) when it has one, else all its template labels.
 */
export function selectorLabels(w: WorkloadFacts): Record<string, string> {
  const labels = w.templateLabels;
  for (const key of ['app', 'app.kubernetes.io/name']) {
    if (labels[key]) return { [key]: labels[key] };
  }
  const rest = Object.fromEntries(
    Object.entries(labels).filter(
      ([k]) => k !== 'pod-template-hash' && !k.startsWith('statefulset.'),
    ),
  );
  return Object.keys(rest).length > 0 ? rest : { app: w.name };
}

/** A YAML scalar, quoted when it would not read back as the same string. */
export function yamlString(value: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(value) &&
    !/^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

/** `matchLabels` lines at the given indent. */
export function matchLabelsYaml(
  labels: Record<string, string>,
  indent: string,
): string[] {
  return Object.entries(labels).map(
    ([k, v]) => `${indent}${yamlString(k)}: ${yamlString(v)}`,
  );
}

/** `kubectl rollout restart` for the workload (pods only: delete them instead). */
export function restartCommand(w: WorkloadFacts): string {
  const kind = w.kind.toLowerCase();
  if (['deployment', 'statefulset', 'daemonset'].includes(kind)) {
    return `kubectl rollout restart ${kind}/${w.name} -n ${w.namespace}`;
  }
  return `kubectl delete pod -n ${w.namespace} -l ${Object.entries(
    selectorLabels(w),
  )
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;
}

/** A rate for a summary: `0.25/s`. */
export function perSecond(rate: number): string {
  return `${Number(rate.toPrecision(3))}/s`;
}

/** A share for a summary: `93.5%`. */
export function percent(share: number): string {
  return `${Number((share * 100).toFixed(share >= 0.9995 ? 0 : 1))}%`;
}

/** The service accounts of a workload in the cluster snapshot, by `namespace/name`. */
export function serviceAccountOf(
  ctx: EntityContext,
  cluster: string,
  key: string,
): string | undefined {
  const facts = ctx.snapshots.find(s => s.cluster === cluster)?.kubernetes.data;
  const [ns, name] = key.split('/');
  const found = facts && workloadNamed(facts, ns, name);
  return found?.pods[0]?.serviceAccountName ?? found?.serviceAccountName;
}

/** One workload's verdict, before the entity's are combined. */
export interface WorkloadVerdict {
  workload: string;
  status: CheckStatus;
  summary: string;
  evidence: Record<string, unknown>;
  remediation?: string;
}

/**
 * The entity's outcome from its workloads' verdicts: the worst status, led by a workload
 * that has it, every workload in the evidence, each distinct remediation once (named by
 * workload when there are several). No verdict at all: the entity is not in the mesh.
 */
export function combineVerdicts(
  ctx: EntityContext,
  verdicts: WorkloadVerdict[],
  notMeshed: string,
): CheckOutcome {
  if (verdicts.length === 0) {
    return {
      status: 'not-applicable',
      summary: notMeshed,
      evidence: { workloads: ctx.workloads.map(workloadLabel) },
    };
  }
  const status = worst(verdicts.map(v => v.status));
  const lead = verdicts.find(v => v.status === status) ?? verdicts[0];
  const others = verdicts.length - 1;
  const remediations = [
    ...new Set(
      verdicts
        .filter(v => v.remediation)
        .map(v =>
          verdicts.length > 1
            ? `${v.workload}:\n${v.remediation}`
            : v.remediation!,
        ),
    ),
  ];
  return {
    status,
    summary: `${lead.summary}${
      others > 0 ? ` (${others} more workload(s) in the evidence)` : ''
    }`,
    evidence: {
      workloads: verdicts.map(v => ({ status: v.status, ...v.evidence })),
    },
    ...(remediations.length > 0
      ? { remediation: remediations.join('\n\n') }
      : {}),
  };
}

/**
 * A workload's verdict when a kind the check reads could not be listed in its cluster:
 * `unknown`, saying what could not be judged and why; undefined when all were listed.
 */
export function unlistedVerdict(
  ctx: EntityContext,
  w: EntityWorkload,
  plane: DataPlane,
  kinds: string[],
  what: string,
): WorkloadVerdict | undefined {
  const unlisted = unlistedKinds(ctx, w, kinds);
  if (!unlisted) return undefined;
  const label = workloadLabel(w);
  return {
    workload: label,
    status: 'unknown',
    summary: `${label}: ${what}, ${unlisted}`,
    evidence: { workload: label, dataPlane: DATA_PLANE_LABEL[plane] },
  };
}

/** Judges each meshed workload (`judge` answers null for one that is not) and combines. */
export function judgeWorkloads(
  ctx: EntityContext,
  judge: (ctx: EntityContext, w: EntityWorkload) => WorkloadVerdict | null,
  notMeshed: string,
): CheckOutcome {
  const verdicts = ctx.workloads
    .map(w => judge(ctx, w))
    .filter((v): v is WorkloadVerdict => v !== null);
  return combineVerdicts(ctx, verdicts, notMeshed);
}
