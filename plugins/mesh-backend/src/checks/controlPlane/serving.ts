/**
 * Which control plane serves a workload: istiod of the pods' revision, or the Linkerd
 * control plane their proxies were injected by. Shared by the version-skew, HA and
 * certificate checks so that each shows the same control plane on an entity.
 */
import {
  ClusterSnapshot,
  ControlPlaneFacts,
  EntityContext,
  EntityWorkload,
  PodFacts,
} from '@mesh-readiness/plugin-mesh-node';

export function snapshotOf(
  ctx: Pick<EntityContext, 'snapshots'>,
  w: EntityWorkload,
): ClusterSnapshot | undefined {
  return ctx.snapshots.find(s => s.cluster === w.cluster);
}

export function controlPlanesOf(
  snapshot: ClusterSnapshot | undefined,
): ControlPlaneFacts[] {
  return snapshot?.kubernetes.data?.mesh?.controlPlanes ?? [];
}

/** The `revision` of a `sidecar.istio.io/status` annotation, when it parses. */
function injectedRevision(
  annotations: Record<string, string>,
): string | undefined {
  const status = annotations['sidecar.istio.io/status'];
  if (!status) return undefined;
  try {
    const parsed = JSON.parse(status) as { revision?: unknown };
    return typeof parsed.revision === 'string' && parsed.revision
      ? parsed.revision
      : undefined;
  } catch {
    return undefined;
  }
}

export interface RevisionChoice {
  revision: string;
  /** Where it came from, for evidence. */
  via: string;
}

/**
 * The Istio revision of a pod (or, without one, of the workload's template): what the
 * injector recorded, then the `istio.io/rev` label of the pod, then of the namespace
 * (the legacy `istio-injection` label wins over it), else `default`.
 */
export function istioRevisionOf(
  w: EntityWorkload,
  pod?: PodFacts,
): RevisionChoice {
  const annotations = pod?.annotations ?? w.workload.templateAnnotations;
  const labels = pod?.labels ?? w.workload.templateLabels;
  const injected = injectedRevision(annotations);
  if (injected) {
    return { revision: injected, via: 'sidecar.istio.io/status annotation' };
  }
  if (annotations['istio.io/rev']) {
    return {
      revision: annotations['istio.io/rev'],
      via: 'istio.io/rev annotation',
    };
  }
  if (labels['istio.io/rev']) {
    return { revision: labels['istio.io/rev'], via: 'pod label istio.io/rev' };
  }
  const ns = w.namespace?.labels ?? {};
  if (ns['istio.io/rev'] && !ns['istio-injection']) {
    return {
      revision: ns['istio.io/rev'],
      via: `namespace label istio.io/rev on ${w.workload.namespace}`,
    };
  }
  return {
    revision: 'default',
    via: 'no revision label: the default revision',
  };
}

/**
 * istiod of a revision. `default` is the istiod labelled `istio.io/rev=default`, or
 * without a revision label. When exactly one istiod runs, it serves every revision name
 * (a revision tag such as `stable` points at it).
 */
export function istiodFor(
  controlPlanes: ControlPlaneFacts[],
  revision: string,
): ControlPlaneFacts | undefined {
  const istiods = controlPlanes.filter(c => c.mesh === 'istio');
  const exact = istiods.find(c => (c.revision ?? 'default') === revision);
  if (exact) return exact;
  if (revision === 'default') {
    const plain = istiods.find(c => c.name === 'istiod');
    if (plain) return plain;
  }
  return istiods.length === 1 ? istiods[0] : undefined;
}

/** The Linkerd control plane's components that serve a workload's proxies. */
export function linkerdControlPlane(
  controlPlanes: ControlPlaneFacts[],
  w: EntityWorkload,
  snapshot: ClusterSnapshot | undefined,
): ControlPlaneFacts[] {
  const linkerd = controlPlanes.filter(c => c.mesh === 'linkerd');
  const labelled = [
    w.workload.pods.find(p => p.labels['linkerd.io/control-plane-ns'])?.labels[
      'linkerd.io/control-plane-ns'
    ],
    snapshot?.kubernetes.data?.mesh?.linkerd?.meshConfig?.controlPlaneNamespace,
  ];
  for (const ns of labelled) {
    const found = linkerd.filter(c => c.namespace === ns);
    if (found.length > 0) return found;
  }
  const namespaces = new Set(linkerd.map(c => c.namespace));
  return namespaces.size === 1 ? linkerd : [];
}

/** The namespace a missing control plane would be expected in, for messages. */
export function expectedNamespace(
  snapshot: ClusterSnapshot | undefined,
  mesh: 'istio' | 'linkerd',
): string {
  const facts = snapshot?.kubernetes.data?.mesh;
  if (mesh === 'linkerd') {
    return facts?.linkerd?.meshConfig?.controlPlaneNamespace ?? 'linkerd';
  }
  return (
    facts?.istio?.meshConfig?.source?.namespace ??
    facts?.istio?.meshConfig?.rootNamespace ??
    'istio-system'
  );
}

/** Why no control plane was found, as an `unknown` summary can say it. */
export function missingControlPlaneReason(
  snapshot: ClusterSnapshot | undefined,
  mesh: 'istio' | 'linkerd',
  revision?: string,
): string {
  const ns = expectedNamespace(snapshot, mesh);
  const what =
    mesh === 'istio'
      ? `no istiod Deployment${
          revision && revision !== 'default' ? ` of revision '${revision}'` : ''
        } was collected`
      : 'no Linkerd control-plane Deployment (linkerd-destination, linkerd-identity, linkerd-proxy-injector) was collected';
  const unavailable = (snapshot?.kubernetes.data?.unavailable ?? [])
    .map(u => u.kind)
    .filter(k => /Deployment|Pod/.test(k));
  return `${what} in cluster '${snapshot?.cluster ?? '?'}': ${
    unavailable.length > 0
      ? `Deployments could not be listed (${unavailable.join(', ')})`
      : `is namespace ${ns} readable by the plugin, and does it run the control plane?`
  }`;
}

/** `cluster/namespace/kind/name`, how evidence names a workload. */
export function workloadLabel(w: EntityWorkload): string {
  return `${w.cluster}/${
    w.workload.namespace
  }/${w.workload.kind.toLowerCase()}/${w.workload.name}`;
}

const STATUS_ORDER = ['not-applicable', 'pass', 'unknown', 'warn', 'fail'];

/** The worse of two statuses: fail > warn > unknown > pass > not-applicable. */
export function worse<S extends string>(a: S, b: S): S {
  return STATUS_ORDER.indexOf(a) >= STATUS_ORDER.indexOf(b) ? a : b;
}
