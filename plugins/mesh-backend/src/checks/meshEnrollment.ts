import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  clusterMeshes,
  podMeshing,
  summarizeMesh,
  workloadMeshings,
} from './meshing';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
} from './types';

const MAX_LISTED = 10;

function workloadRef(w: EntityWorkload): string {
  return `${w.workload.kind.toLowerCase()}/${w.workload.name}`;
}

function restartCommand(w: EntityWorkload): string {
  const { kind, name, namespace } = w.workload;
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind)) {
    return `kubectl rollout restart ${workloadRef(w)} -n ${namespace}`;
  }
  if (kind === 'Pod') {
    return `kubectl delete pod ${name} -n ${namespace}   # a bare pod: re-create it from its manifest`;
  }
  return `# ${kind} ${name}: its next run starts with the proxy`;
}

function restartCommands(workloads: EntityWorkload[]): string {
  return workloads.map(restartCommand).join('\n');
}

/** Kept out of the mesh on purpose: opted out, nothing meshed, nothing asks to mesh it. */
function isOptedOut(w: EntityWorkload): boolean {
  return (
    Boolean(w.injection.optOut) &&
    !w.injection.intent &&
    workloadMeshings(w).length === 0
  );
}

/** How to mesh, for each mesh this cluster runs (all of them when it runs none yet). */
export function howToMesh(
  ctx: EntityContext,
  workloads: EntityWorkload[],
): string {
  const namespaces = [...new Set(workloads.map(w => w.workload.namespace))];
  const meshes = new Set<string>();
  for (const cluster of new Set(workloads.map(w => w.cluster))) {
    for (const m of clusterMeshes(
      ctx.snapshots.find(s => s.cluster === cluster),
    ))
      meshes.add(m);
  }
  const options =
    meshes.size > 0 ? meshes : new Set(['istio', 'istio-ambient', 'linkerd']);
  const restart = restartCommands(workloads);
  const parts: string[] = [
    'Mesh one namespace at a time and compare its metrics before moving on.',
  ];
  if (options.has('istio')) {
    parts.push(
      [
        'Istio (sidecar):',
        ...namespaces.map(
          ns => `kubectl label namespace ${ns} istio-injection=enabled`,
        ),
        restart,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  if (options.has('istio-ambient')) {
    parts.push(
      [
        'Istio (ambient, no restart needed):',
        ...namespaces.map(
          ns => `kubectl label namespace ${ns} istio.io/dataplane-mode=ambient`,
        ),
      ].join('\n'),
    );
  }
  if (options.has('linkerd')) {
    parts.push(
      [
        'Linkerd:',
        ...namespaces.map(
          ns => `kubectl annotate namespace ${ns} linkerd.io/inject=enabled`,
        ),
        restart,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  return parts.join('\n\n');
}

function evaluate(ctx: EntityContext): CheckOutcome {
  // A workload kept out on purpose (a database, a node agent) is not a rollout gap.
  const optedOut = ctx.workloads.filter(isOptedOut);
  const workloads = ctx.workloads.filter(w => !isOptedOut(w));
  if (workloads.length === 0) {
    return {
      status: 'not-applicable',
      summary: `Explicitly kept out of the mesh (${optedOut[0].injection.optOut}).`,
      evidence: {
        optedOut: optedOut.map(w => ({
          workload: `${w.cluster}/${w.workload.namespace}/${workloadRef(w)}`,
          optOut: w.injection.optOut,
        })),
      },
    };
  }
  const pods = workloads.flatMap(w => w.workload.pods.map(p => ({ w, p })));
  const meshedPods = pods.filter(({ p }) => podMeshing(p));
  const unmeshed = pods.filter(({ p }) => !podMeshing(p));
  const mesh = summarizeMesh(workloads);
  const injection = workloads.map(w => ({
    workload: `${w.cluster}/${w.workload.namespace}/${workloadRef(w)}`,
    via: w.injection.intent?.via ?? null,
    optOut: w.injection.optOut ?? null,
  }));
  const unmeshedListed = unmeshed
    .slice(0, MAX_LISTED)
    .map(({ p }) => `${p.namespace}/${p.name}`);
  const evidence: Record<string, unknown> = {
    optedOut: optedOut.map(
      w => `${w.cluster}/${w.workload.namespace}/${workloadRef(w)}`,
    ),
    provider: mesh.provider,
    dataPlane: mesh.dataPlane,
    pods: pods.length,
    meshedPods: meshedPods.length,
    unmeshedPods: unmeshedListed,
    injection,
  };

  const providers = new Set(
    workloads.flatMap(workloadMeshings).map(m => m.provider),
  );
  if (providers.size > 1) {
    return {
      status: 'warn',
      summary: `Workloads are split between meshes (${[...providers].join(
        ' and ',
      )}); traffic between them is not mutually authenticated.`,
      evidence,
      remediation: 'Move every workload of the service to one mesh.',
    };
  }

  if (pods.length === 0) {
    const unready = workloads.filter(w => workloadMeshings(w).length === 0);
    if (unready.length === 0) {
      return {
        status: 'pass',
        summary: `No pods are running; new pods will be meshed (${mesh.provider} ${mesh.dataPlane}).`,
        evidence,
      };
    }
    return {
      status: 'fail',
      summary: `No pods are running and nothing would mesh new ones: no injection label or annotation applies to ${unready
        .map(workloadRef)
        .join(', ')}.`,
      evidence,
      remediation: howToMesh(ctx, unready),
    };
  }

  if (unmeshed.length === 0) {
    return {
      status: 'pass',
      summary: `All ${pods.length} pods are meshed (${mesh.provider} ${mesh.dataPlane}).`,
      evidence,
    };
  }

  const unmeshedWorkloads = workloads.filter(w =>
    w.workload.pods.some(p => !podMeshing(p)),
  );
  if (meshedPods.length > 0) {
    const withIntent = unmeshedWorkloads.filter(w => w.injection.intent);
    return {
      status: 'warn',
      summary: `Partial injection: ${unmeshed.length} of ${
        pods.length
      } pods run without a proxy (${unmeshedListed.join(', ')}${
        unmeshed.length > MAX_LISTED ? ', …' : ''
      }).`,
      evidence,
      remediation:
        withIntent.length > 0
          ? `These pods started before injection applied (${
              withIntent[0].injection.intent!.via
            }). Restart them to get a proxy:\n${restartCommands(withIntent)}`
          : howToMesh(ctx, unmeshedWorkloads),
    };
  }

  const withIntent = unmeshedWorkloads.filter(w => w.injection.intent);
  if (withIntent.length > 0) {
    return {
      status: 'fail',
      summary: `Injection is enabled (${
        withIntent[0].injection.intent!.via
      }) but none of the ${pods.length} pods has a proxy.`,
      evidence,
      remediation:
        withIntent[0].injection.intent!.dataPlane === 'ambient'
          ? 'Ambient capture is configured but the pods are not redirected: check that istio-cni and ztunnel run on their nodes (kubectl get pods -n istio-system -l app=ztunnel).'
          : `Restart the pods so the injector adds the proxy (istioctl analyze reports this as IST0103):\n${restartCommands(
              withIntent,
            )}`,
    };
  }
  return {
    status: 'fail',
    summary: `Not meshed: none of the ${pods.length} pods has a mesh proxy and no injection label or annotation applies.`,
    evidence,
    remediation: howToMesh(ctx, unmeshedWorkloads),
  };
}

export const meshEnrollmentCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['mesh.enrollment'],
  // Pods say what is meshed; namespaces say what injection would do.
  requiredKinds: ['Pod', 'Namespace'],
  evaluate,
};
