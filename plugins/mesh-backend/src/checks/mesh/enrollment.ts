import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  clusterMeshes,
  podMeshing,
  summarizeMesh,
  workloadMeshings,
} from '../../context/meshing';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';

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

/**
 * What to check when ambient pods are not captured. They have no Envoy of their own, so
 * `istioctl proxy-config <pod>` has nothing to read: ztunnel's view of the workload
 * (protocol HBONE once captured) is what tells.
 */
function ambientCaptureHelp(workloads: EntityWorkload[]): string {
  const namespaces = [...new Set(workloads.map(w => w.workload.namespace))];
  return [
    'Ambient pods have no proxy of their own: istio-cni redirects them to the ztunnel on their node, with no restart. Check that both run on those nodes, then which pods ztunnel has captured (protocol HBONE):',
    'kubectl get pods -n istio-system -l k8s-app=istio-cni-node -o wide',
    'kubectl get pods -n istio-system -l app=ztunnel -o wide',
    ...namespaces.map(
      ns => `istioctl ztunnel-config workloads --workload-namespace ${ns}`,
    ),
  ].join('\n');
}

const isAmbient = (w: EntityWorkload) =>
  w.injection.intent?.dataPlane === 'ambient';

/**
 * For workloads an injection rule applies to but whose pods are not meshed: restart the
 * sidecar ones (the injector only acts on new pods); check capture for the ambient ones.
 */
function intentRemediation(
  withIntent: EntityWorkload[],
  partial: boolean,
): string {
  const sidecar = withIntent.filter(w => !isAmbient(w));
  const ambient = withIntent.filter(isAmbient);
  const parts: string[] = [];
  if (sidecar.length > 0) {
    parts.push(
      partial
        ? `These pods started before injection applied (${
            sidecar[0].injection.intent!.via
          }). Restart them to get a proxy:\n${restartCommands(sidecar)}`
        : `Restart the pods so the injector adds the proxy (istioctl analyze reports this as IST0103):\n${restartCommands(
            sidecar,
          )}`,
    );
  }
  if (ambient.length > 0) {
    parts.push(
      `Ambient capture applies (${
        ambient[0].injection.intent!.via
      }) but these pods are not redirected. ${ambientCaptureHelp(ambient)}`,
    );
  }
  return parts.join('\n\n');
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

  // Meshed pods of a workload whose injection is now off: they lose the proxy at the
  // next restart, so "meshed" holds only until then.
  const drifting = workloads.filter(
    w =>
      w.injection.optOut &&
      !w.injection.intent &&
      w.workload.pods.some(p => podMeshing(p)),
  );
  if (unmeshed.length === 0 && drifting.length > 0) {
    return {
      status: 'warn',
      summary: `All ${
        pods.length
      } pods run a proxy, but injection is now off for ${drifting
        .map(workloadRef)
        .join(', ')} (${
        drifting[0].injection.optOut
      }): the next restart removes the proxy.`,
      evidence,
      remediation: `Decide which is meant. To stay meshed, remove the opt-out (${
        drifting[0].injection.optOut
      }). To leave the mesh, restart so the pods come back without the proxy:\n${restartCommands(
        drifting,
      )}`,
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
  const withIntent = unmeshedWorkloads.filter(w => w.injection.intent);
  if (meshedPods.length > 0) {
    const listed = `(${unmeshedListed.join(', ')}${
      unmeshed.length > MAX_LISTED ? ', …' : ''
    })`;
    return {
      status: 'warn',
      // Ambient pods never get a proxy: what they lack is capture.
      summary: unmeshedWorkloads.every(isAmbient)
        ? `Partial capture: ${unmeshed.length} of ${pods.length} pods are not in the ambient mesh ${listed}.`
        : `Partial injection: ${unmeshed.length} of ${pods.length} pods run without a proxy ${listed}.`,
      evidence,
      remediation:
        withIntent.length > 0
          ? intentRemediation(withIntent, true)
          : howToMesh(ctx, unmeshedWorkloads),
    };
  }

  if (withIntent.length > 0) {
    const sidecar = withIntent.find(w => !isAmbient(w));
    return {
      status: 'fail',
      summary: sidecar
        ? `Injection is enabled (${
            sidecar.injection.intent!.via
          }) but none of the ${pods.length} pods has a proxy.`
        : `Ambient capture is enabled (${
            withIntent[0].injection.intent!.via
          }) but none of the ${pods.length} pods is captured.`,
      evidence,
      remediation: intentRemediation(withIntent, false),
    };
  }
  return {
    status: 'fail',
    summary: `Not meshed: none of the ${pods.length} pods has a mesh proxy and no injection label or annotation applies.`,
    evidence,
    remediation: howToMesh(ctx, unmeshedWorkloads),
  };
}

export const enrollmentCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['mesh.enrollment'],
  // Pods say what is meshed; namespaces say what injection would do.
  requiredKinds: ['Pod', 'Namespace'],
  evaluate,
};
