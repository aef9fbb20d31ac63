/**
 * Small pieces the workload, sidecar and upgrade checks share: how a workload is named in
 * evidence, how statuses combine, and how a pod-template edit is written as a command.
 */
import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import {
  EntityContext,
  EntityWorkload,
  MeshConfigFacts,
} from '@mesh-readiness/plugin-mesh-node';

/** `cluster/namespace/kind/name`, as every check's evidence names a workload. */
export function workloadRef(w: EntityWorkload): string {
  return `${w.cluster}/${
    w.workload.namespace
  }/${w.workload.kind.toLowerCase()}/${w.workload.name}`;
}

const SEVERITY: CheckStatus[] = [
  'not-applicable',
  'pass',
  'warn',
  'unknown',
  'fail',
];

/** The worst of the statuses (`fail` > `unknown` > `warn` > `pass` > `not-applicable`). */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>(
    (worst, s) => (SEVERITY.indexOf(s) > SEVERITY.indexOf(worst) ? s : worst),
    'not-applicable',
  );
}

/** The cluster-wide mesh facts of the workload's cluster, when its snapshot has them. */
export function clusterMeshFacts(
  ctx: EntityContext,
  w: EntityWorkload,
): MeshConfigFacts | undefined {
  return ctx.snapshots.find(s => s.cluster === w.cluster)?.kubernetes.data
    ?.mesh;
}

/** Where the pod template sits in the workload object, for a JSON merge patch. */
function templateNesting(
  kind: string,
  metadata: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const template = { template: { metadata } };
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
      return { spec: template };
    case 'CronJob':
      return { spec: { jobTemplate: { spec: template } } };
    default:
      return undefined;
  }
}

/**
 * A command that sets annotations and labels on the workload's pod template (which also
 * rolls its pods), or, for kinds whose template cannot be patched (Job, bare Pod), the
 * YAML to put in their manifest.
 */
export function templatePatch(
  w: EntityWorkload,
  change: {
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  },
): string {
  const { kind, name, namespace } = w.workload;
  const metadata: Record<string, unknown> = {
    ...(change.labels && Object.keys(change.labels).length
      ? { labels: change.labels }
      : {}),
    ...(change.annotations && Object.keys(change.annotations).length
      ? { annotations: change.annotations }
      : {}),
  };
  const patch = templateNesting(kind, metadata);
  if (!patch) {
    const yaml = Object.entries(metadata).flatMap(([section, values]) => [
      `    ${section}:`,
      ...Object.entries(values as Record<string, string>).map(
        ([k, v]) => `      ${k}: "${v}"`,
      ),
    ]);
    return [
      `# ${kind} ${namespace}/${name} cannot be patched in place: add this to the pod template's metadata in its manifest, then re-create it`,
      'metadata:',
      ...yaml.map(l => l.slice(2)),
    ].join('\n');
  }
  return `kubectl patch ${kind.toLowerCase()} ${name} -n ${namespace} --type merge -p '${JSON.stringify(
    patch,
  )}'`;
}

/**
 * Labels to select the workload's pods in a suggested object: the narrowest selector of
 * a Service in front of them (what stays the same across versions of the service), else
 * the pod template's labels without the ones that change per revision or version, so a
 * suggested PDB still covers the pods of the next rollout.
 */
export function selectorLabels(w: EntityWorkload): Record<string, string> {
  const services = w.mesh.services
    .map(s => s.selector)
    .filter(sel => Object.keys(sel).length > 0)
    .sort((a, b) => Object.keys(a).length - Object.keys(b).length);
  if (services.length > 0) return { ...services[0] };
  const labels = { ...w.workload.templateLabels };
  for (const key of [
    'pod-template-hash',
    'controller-revision-hash',
    'statefulset.kubernetes.io/pod-name',
    'version',
    'app.kubernetes.io/version',
    'service.istio.io/canonical-revision',
  ])
    delete labels[key];
  if (Object.keys(labels).length === 0) return { app: w.workload.name };
  return labels;
}

/** Annotations that apply to the workload's pods: template first, then the live pods'. */
export function podAnnotation(
  w: EntityWorkload,
  key: string,
): string | undefined {
  const fromTemplate = w.workload.templateAnnotations[key];
  if (fromTemplate !== undefined) return fromTemplate;
  return w.workload.pods.find(p => p.annotations[key] !== undefined)
    ?.annotations[key];
}
