/** istiod and the Linkerd control plane, read from their Deployments' WorkloadFacts. */
import {
  ContainerFacts,
  ControlPlaneFacts,
  KubeObject,
  LinkerdMeshConfigFacts,
  NamespacedRef,
  PodDisruptionBudgetFacts,
  WorkloadFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { asRecord, imageTag, malformed, num, refOf, str } from './read';
import { selectsAnyPod } from './selectors';

/** The Linkerd Deployments whose loss stops new pods or identities, and their main container. */
const LINKERD_COMPONENTS = new Map([
  ['linkerd-destination', 'destination'],
  ['linkerd-identity', 'identity'],
  ['linkerd-proxy-injector', 'proxy-injector'],
]);

export interface AutoscalerFacts {
  ref: NamespacedRef;
  target: { kind: string; name: string };
  minReplicas?: number;
  maxReplicas?: number;
}

/** An autoscaling/v1 or v2 HorizontalPodAutoscaler: only the target and bounds. */
export function autoscalerFacts(obj: KubeObject): AutoscalerFacts {
  const spec = asRecord(obj.spec);
  const target = asRecord(spec.scaleTargetRef);
  const kind = str(target.kind);
  const name = str(target.name);
  if (!kind || !name) malformed('scaleTargetRef without kind or name');
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas);
  return {
    ref: refOf(obj),
    target: { kind, name },
    ...(min !== undefined ? { minReplicas: min } : {}),
    ...(max !== undefined ? { maxReplicas: max } : {}),
  };
}

function containersOf(w: WorkloadFacts): ContainerFacts[] {
  if (w.templateContainers.length > 0) return w.templateContainers;
  return w.pods[0]?.containers ?? [];
}

function build(
  w: WorkloadFacts,
  mesh: ControlPlaneFacts['mesh'],
  mainContainers: string[],
  context: {
    pdbs: PodDisruptionBudgetFacts[];
    autoscalers: AutoscalerFacts[];
    fallbackVersion?: string;
    revision?: string;
  },
): ControlPlaneFacts {
  const containers = containersOf(w);
  const main =
    containers.find(c => mainContainers.includes(c.name)) ?? containers[0];
  const version =
    imageTag(main?.image) ??
    (w.labels['app.kubernetes.io/version'] || context.fallbackVersion);
  const podLabels =
    w.pods.length > 0 ? w.pods.map(p => p.labels) : [w.templateLabels];
  const hpa = context.autoscalers.find(
    a =>
      a.ref.namespace === w.namespace &&
      a.target.kind === w.kind &&
      a.target.name === w.name,
  );
  return {
    mesh,
    name: w.name,
    namespace: w.namespace,
    ...(context.revision ? { revision: context.revision } : {}),
    ...(version ? { version } : {}),
    ...(w.replicas !== undefined ? { replicas: w.replicas } : {}),
    pods: w.pods.length,
    runningPods: w.pods.filter(p => p.phase === 'Running').length,
    ...(w.pods.some(p => p.ready !== undefined)
      ? {
          readyPods: w.pods.filter(p => p.ready ?? p.phase === 'Running')
            .length,
        }
      : {}),
    ...(w.readyReplicas !== undefined
      ? { readyReplicas: w.readyReplicas }
      : {}),
    resources: main?.resources ?? { requests: {}, limits: {} },
    containers,
    ...(hpa
      ? {
          autoscaler: {
            ref: hpa.ref,
            ...(hpa.minReplicas !== undefined
              ? { minReplicas: hpa.minReplicas }
              : {}),
            ...(hpa.maxReplicas !== undefined
              ? { maxReplicas: hpa.maxReplicas }
              : {}),
          },
        }
      : {}),
    disruptionBudgets: context.pdbs
      .filter(
        p =>
          p.ref.namespace === w.namespace &&
          p.selector &&
          selectsAnyPod(p.selector, podLabels),
      )
      .map(p => p.ref),
    podNames: w.pods.map(p => p.name),
  };
}

/**
 * istiod is any Deployment labelled `app=istiod` (one per revision, any namespace);
 * Linkerd's are the three core Deployments in the control-plane namespace, or labelled
 * `linkerd.io/control-plane-ns` with their own namespace.
 */
export function controlPlaneFacts(
  workloads: WorkloadFacts[],
  pdbs: PodDisruptionBudgetFacts[],
  autoscalers: AutoscalerFacts[],
  linkerd: LinkerdMeshConfigFacts,
): ControlPlaneFacts[] {
  const out: ControlPlaneFacts[] = [];
  for (const w of workloads) {
    if (w.kind !== 'Deployment') continue;
    if (w.labels.app === 'istiod' || w.templateLabels.app === 'istiod') {
      const revision =
        w.labels['istio.io/rev'] || w.templateLabels['istio.io/rev'];
      out.push(
        build(w, 'istio', ['discovery', 'pilot'], {
          pdbs,
          autoscalers,
          revision,
        }),
      );
      continue;
    }
    const main = LINKERD_COMPONENTS.get(w.name);
    const inControlPlane =
      w.namespace === linkerd.controlPlaneNamespace ||
      w.labels['linkerd.io/control-plane-ns'] === w.namespace;
    if (main && inControlPlane) {
      out.push(
        build(w, 'linkerd', [main], {
          pdbs,
          autoscalers,
          fallbackVersion: linkerd.version,
        }),
      );
    }
  }
  return out;
}
