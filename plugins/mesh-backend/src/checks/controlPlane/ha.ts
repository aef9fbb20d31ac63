/**
 * `control-plane.ha`: the control plane serving each meshed workload (istiod of its
 * revision, or linkerd-destination, linkerd-identity and linkerd-proxy-injector) runs 2+
 * READY replicas (Ready condition, else status.readyReplicas; Running alone is not
 * enough) with resource requests, and istiod's config push p99
 * (`pilot_proxy_convergence_time`) stays under `mesh.checks.controlPlane`.
 * The same verdict shows on every entity the control plane serves.
 */
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  ControlPlaneFacts,
  EntityContext,
  EntityWorkload,
  LatencyBucket,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { histogramQuantile, mergeBuckets } from '../../health/histogram';
import {
  controlPlanesOf,
  istioRevisionOf,
  istiodFor,
  linkerdControlPlane,
  missingControlPlaneReason,
  snapshotOf,
  workloadLabel,
  worse,
} from './serving';

type Status = CheckOutcome['status'];

/** Fewer replicas than this is a single point of failure. */
const MIN_REPLICAS = 2;
/** The Linkerd Deployments whose loss stops new pods, identities or discovery. */
const LINKERD_COMPONENTS = [
  'linkerd-destination',
  'linkerd-identity',
  'linkerd-proxy-injector',
];

interface ComponentVerdict {
  controlPlane: string;
  status: Status;
  problems: string[];
  replicas?: number;
  pods: number;
  runningPods: number;
  readyPods?: number;
  readyReplicas?: number;
  /** What the replica count was judged on. */
  counted?: string;
  autoscalerMinReplicas?: number;
  requests: { cpu?: string; memory?: string };
  disruptionBudgets: string[];
  convergenceP99Seconds?: number | null;
  note?: string;
}

interface Finding {
  workload: string;
  mesh: string;
  status: Status;
  message: string;
  components: ComponentVerdict[];
  /** Control planes (namespace/name) whose remediation applies. */
  fixes: Map<string, string>;
}

/** `true` when the pod `pod` of namespace `ns` is one of the control plane's. */
function ownsPod(cp: ControlPlaneFacts, pod: string): boolean {
  if (cp.podNames && cp.podNames.length > 0) return cp.podNames.includes(pod);
  // No pods collected: the Deployment's pods are `<name>-<hash>-<suffix>`.
  return new RegExp(
    `^${cp.name.replace(/[.]/g, '\\.')}-[a-z0-9]+-[a-z0-9]+$`,
  ).test(pod);
}

function convergence(
  ctx: EntityContext,
  w: EntityWorkload,
  cp: ControlPlaneFacts,
): { p99?: number | null; note?: string } {
  const metrics = ctx.metricsFor(w);
  if (!metrics) {
    return {
      note: `no Prometheus for cluster '${w.cluster}': istiod's push latency was not judged`,
    };
  }
  const series = metrics.series.pilotConvergence ?? {};
  const histograms: LatencyBucket[][] = [];
  for (const [key, buckets] of Object.entries(series)) {
    const slash = key.indexOf('/');
    if (
      key.slice(0, slash) === cp.namespace &&
      ownsPod(cp, key.slice(slash + 1))
    )
      histograms.push(buckets);
  }
  if (histograms.length === 0) {
    return {
      note: `no pilot_proxy_convergence_time series from ${cp.namespace}/${cp.name}: is istiod's monitoring port 15014 scraped?`,
    };
  }
  const p99 = histogramQuantile(0.99, mergeBuckets(histograms));
  return p99 === null
    ? { p99, note: 'no config pushes in the window' }
    : { p99 };
}

type ReadinessBasis = 'ready-pods' | 'ready-replicas' | 'running';

const BASIS_WORDS: Record<ReadinessBasis, string> = {
  'ready-pods': 'ready pod(s)',
  'ready-replicas': 'ready replica(s) (Deployment status.readyReplicas)',
  running: 'running pod(s)',
};

/**
 * How many replicas can serve: pods whose Ready condition is True, else the
 * Deployment's readyReplicas, else (no readiness reported at all, e.g. manifests
 * without status) the Running pods. A Running pod failing its readiness probe gets no
 * traffic, so it is no replica for HA.
 */
function readiness(
  cp: ControlPlaneFacts,
): { count: number; basis: ReadinessBasis } | undefined {
  if (cp.pods > 0 && cp.readyPods !== undefined)
    return { count: cp.readyPods, basis: 'ready-pods' };
  if (cp.readyReplicas !== undefined)
    return { count: cp.readyReplicas, basis: 'ready-replicas' };
  if (cp.pods > 0) return { count: cp.runningPods, basis: 'running' };
  return undefined;
}

function judgeComponent(
  ctx: EntityContext,
  w: EntityWorkload,
  cp: ControlPlaneFacts,
): ComponentVerdict {
  const problems: string[] = [];
  const failing: string[] = [];
  const id = `${cp.namespace}/${cp.name}`;
  const ready = readiness(cp);
  if (ready) {
    if (ready.count < MIN_REPLICAS) {
      const desired = cp.replicas ?? '?';
      // Every running pod ready: "running" says it all, as it always did.
      const allRunningReady =
        ready.basis === 'ready-pods' && ready.count === cp.runningPods;
      failing.push(
        ready.basis === 'running' || allRunningReady
          ? `${id} has ${cp.runningPods} running pod(s) of ${desired} desired`
          : `${id} has ${ready.count} ${
              BASIS_WORDS[ready.basis]
            } of ${desired} desired${
              cp.runningPods > ready.count
                ? ` (${cp.runningPods} running, ${
                    cp.runningPods - ready.count
                  } of them not ready)`
                : ''
            }`,
      );
    }
  } else if ((cp.replicas ?? 1) < MIN_REPLICAS) {
    failing.push(`${id} asks for ${cp.replicas ?? 1} replica`);
  }
  const min = cp.autoscaler?.minReplicas;
  if (failing.length === 0 && min !== undefined && min < MIN_REPLICAS) {
    problems.push(
      `${id}'s HorizontalPodAutoscaler ${
        cp.autoscaler!.ref.name
      } has minReplicas ${min}, so it can scale down to one`,
    );
  }
  const { requests } = cp.resources;
  const missing = (['cpu', 'memory'] as const).filter(r => !requests[r]);
  if (missing.length > 0) {
    problems.push(`${id} sets no ${missing.join(' or ')} request`);
  }
  let p99: number | null | undefined;
  let note: string | undefined;
  if (cp.mesh === 'istio') {
    ({ p99, note } = convergence(ctx, w, cp));
    const limit = ctx.settings.controlPlane.convergenceP99Seconds;
    if (typeof p99 === 'number' && p99 > limit) {
      problems.push(
        `${id}'s config push p99 (pilot_proxy_convergence_time) is ${p99.toFixed(
          2,
        )} s, above ${limit} s`,
      );
    }
  }
  if (cp.pods === 0) {
    note = [note, 'no pods collected: judged from the desired replicas']
      .filter(Boolean)
      .join('; ');
  }
  let status: Status = 'pass';
  if (failing.length > 0) status = 'fail';
  else if (problems.length > 0) status = 'warn';
  return {
    controlPlane: id,
    status,
    problems: [...failing, ...problems],
    ...(cp.replicas !== undefined ? { replicas: cp.replicas } : {}),
    pods: cp.pods,
    runningPods: cp.runningPods,
    ...(cp.readyPods !== undefined ? { readyPods: cp.readyPods } : {}),
    ...(cp.readyReplicas !== undefined
      ? { readyReplicas: cp.readyReplicas }
      : {}),
    ...(ready ? { counted: `${ready.count} ${BASIS_WORDS[ready.basis]}` } : {}),
    ...(min !== undefined ? { autoscalerMinReplicas: min } : {}),
    requests,
    disruptionBudgets: cp.disruptionBudgets.map(
      p => `${p.namespace}/${p.name}`,
    ),
    ...(p99 !== undefined ? { convergenceP99Seconds: p99 } : {}),
    ...(note ? { note } : {}),
  };
}

function pdbYaml(cp: ControlPlaneFacts, selector: Record<string, string>) {
  return [
    'apiVersion: policy/v1',
    'kind: PodDisruptionBudget',
    'metadata:',
    `  name: ${cp.name}`,
    `  namespace: ${cp.namespace}`,
    'spec:',
    '  maxUnavailable: 1',
    '  selector:',
    '    matchLabels:',
    ...Object.entries(selector).map(([k, v]) => `      ${k}: ${v}`),
  ].join('\n');
}

function istioFix(cp: ControlPlaneFacts, v: ComponentVerdict): string {
  const rev =
    cp.revision && cp.revision !== 'default' ? cp.revision : undefined;
  const release = rev ? `istiod-${rev}` : 'istiod';
  const lines = [
    `# ${cp.namespace}/${cp.name}: ${v.problems.join('; ')}`,
    `helm upgrade ${release} istio/istiod -n ${cp.namespace} --reuse-values${
      rev ? ` --set revision=${rev}` : ''
    } --set replicaCount=2 --set autoscaleMin=2 --set resources.requests.cpu=500m --set resources.requests.memory=2Gi`,
    '# or, until the next install:',
    `kubectl scale deployment/${cp.name} -n ${cp.namespace} --replicas=2`,
  ];
  if (cp.autoscaler) {
    lines.push(
      `kubectl patch hpa ${cp.autoscaler.ref.name} -n ${cp.namespace} --type merge -p '{"spec":{"minReplicas":2}}'`,
    );
  }
  if (
    typeof v.convergenceP99Seconds === 'number' &&
    v.problems.some(p => p.includes('push p99'))
  ) {
    lines.push(
      '# Slow pushes: give istiod more CPU and replicas, and shrink what it pushes (Sidecar resources with egress hosts, meshConfig.discoverySelectors).',
    );
  }
  if (cp.disruptionBudgets.length === 0) {
    lines.push(
      '# No PodDisruptionBudget covers it; the chart creates one (pdb.minAvailable), or:',
      pdbYaml(cp, { app: 'istiod', ...(rev ? { 'istio.io/rev': rev } : {}) }),
    );
  }
  return lines.join('\n');
}

function linkerdFix(
  cps: ControlPlaneFacts[],
  verdicts: ComponentVerdict[],
): string {
  const ns = cps[0]?.namespace ?? 'linkerd';
  const lines = [
    `# ${verdicts
      .filter(v => v.status !== 'pass')
      .flatMap(v => v.problems)
      .join('; ')}`,
    '# Install the HA values (controllerReplicas: 3, enablePodDisruptionBudget, enablePodAntiAffinity, resource requests):',
    `helm upgrade linkerd-control-plane linkerd/linkerd-control-plane -n ${ns} --reuse-values -f https://raw.githubusercontent.com/linkerd/linkerd2/main/charts/linkerd-control-plane/values-ha.yaml`,
    '# or with the CLI: linkerd upgrade --ha | kubectl apply -f -',
    '# or, until the next install:',
    `kubectl scale ${LINKERD_COMPONENTS.map(c => `deployment/${c}`).join(
      ' ',
    )} -n ${ns} --replicas=3`,
  ];
  const withoutPdb = cps.filter(c => c.disruptionBudgets.length === 0);
  if (withoutPdb.length > 0) {
    lines.push('# No PodDisruptionBudget covers these components:');
  }
  for (const cp of withoutPdb) {
    lines.push(
      '---',
      pdbYaml(cp, {
        'linkerd.io/control-plane-component': cp.name.replace(/^linkerd-/, ''),
        'linkerd.io/control-plane-ns': cp.namespace,
      }),
    );
  }
  return lines.join('\n');
}

function istioFinding(ctx: EntityContext, w: EntityWorkload): Finding {
  const snapshot = snapshotOf(ctx, w);
  const pod = w.workload.pods.find(p => p.proxy) ?? w.workload.pods[0];
  const { revision } = istioRevisionOf(w, pod);
  const cp = istiodFor(controlPlanesOf(snapshot), revision);
  const label = workloadLabel(w);
  if (!cp) {
    return {
      workload: label,
      mesh: 'istio',
      status: 'unknown',
      message: missingControlPlaneReason(snapshot, 'istio', revision),
      components: [],
      fixes: new Map(),
    };
  }
  const v = judgeComponent(ctx, w, cp);
  const fixes = new Map<string, string>();
  if (v.status !== 'pass') fixes.set(v.controlPlane, istioFix(cp, v));
  return {
    workload: label,
    mesh: 'istio',
    status: v.status,
    message:
      v.status === 'pass'
        ? `istiod ${v.controlPlane} runs ${
            readiness(cp)?.count ?? v.replicas
          } replicas with requests (${v.counted ?? 'desired replicas'})`
        : v.problems.join('; '),
    components: [v],
    fixes,
  };
}

function linkerdFinding(ctx: EntityContext, w: EntityWorkload): Finding {
  const snapshot = snapshotOf(ctx, w);
  const cps = linkerdControlPlane(controlPlanesOf(snapshot), w, snapshot);
  const label = workloadLabel(w);
  if (cps.length === 0) {
    return {
      workload: label,
      mesh: 'linkerd',
      status: 'unknown',
      message: missingControlPlaneReason(snapshot, 'linkerd'),
      components: [],
      fixes: new Map(),
    };
  }
  const verdicts = cps.map(cp => judgeComponent(ctx, w, cp));
  const absent = LINKERD_COMPONENTS.filter(n => !cps.some(c => c.name === n));
  let status = verdicts
    .map(v => v.status)
    .reduce((a, b) => worse(a, b), 'pass' as Status);
  const problems = verdicts.flatMap(v => v.problems);
  if (absent.length > 0) {
    status = worse(status, 'unknown');
    problems.push(`${absent.join(', ')} not collected in ${cps[0].namespace}`);
  }
  const fixes = new Map<string, string>();
  if (status === 'fail' || status === 'warn') {
    fixes.set(`${cps[0].namespace}/linkerd`, linkerdFix(cps, verdicts));
  }
  return {
    workload: label,
    mesh: 'linkerd',
    status,
    message:
      status === 'pass'
        ? `the Linkerd control plane in ${cps[0].namespace} (${cps
            .map(c => c.name)
            .join(', ')}) runs 2+ ${
            cps.every(c => (readiness(c)?.basis ?? 'running') !== 'running')
              ? 'ready '
              : ''
          }replicas with requests`
        : problems.join('; '),
    components: verdicts,
    fixes,
  };
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const findings: Finding[] = [];
  for (const w of ctx.workloads) {
    const meshing = workloadMeshings(w)[0];
    if (!meshing) continue;
    findings.push(
      meshing.provider === 'linkerd'
        ? linkerdFinding(ctx, w)
        : istioFinding(ctx, w),
    );
  }
  if (findings.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no pod runs a proxy or is captured by ambient, so no control plane serves it (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.length },
    };
  }
  const status = findings
    .map(f => f.status)
    .reduce((a, b) => worse(a, b), 'pass' as Status);
  const worst = findings.filter(f => f.status === status);
  const messages = [...new Set(worst.map(f => f.message))];
  const fixes = new Map<string, string>();
  for (const f of findings) for (const [k, v] of f.fixes) fixes.set(k, v);
  const evidence = {
    workloads: findings.map(f => ({
      workload: f.workload,
      mesh: f.mesh,
      status: f.status,
      components: f.components,
    })),
    convergenceP99LimitSeconds: ctx.settings.controlPlane.convergenceP99Seconds,
  };
  const prefix: Record<string, string> = {
    pass: 'Control plane highly available: ',
    warn: 'Control plane not right-sized: ',
    fail: 'Control plane is a single point of failure: ',
    unknown: 'Cannot judge the control plane: ',
  };
  return {
    status,
    summary: `${prefix[status] ?? ''}${messages.join('; ')}.`,
    evidence,
    ...((status === 'fail' || status === 'warn') && fixes.size > 0
      ? { remediation: [...fixes.values()].join('\n\n') }
      : {}),
  };
}

export const controlPlaneHaCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['control-plane.ha'],
  requiredKinds: ['apps/Deployment'],
  evaluate,
};
