import {
  DataPlaneMode,
  MeshName,
  MeshProvider,
} from '@mesh-readiness/plugin-mesh-common';
import {
  ClusterSnapshot,
  PodFacts,
  EntityWorkload,
} from '@mesh-readiness/plugin-mesh-node';

export interface PodMeshing {
  provider: MeshName;
  dataPlane: 'sidecar' | 'ambient';
}

/** How a running pod is meshed, if at all: a sidecar proxy, or ambient capture. */
export function podMeshing(pod: PodFacts): PodMeshing | undefined {
  if (pod.proxy) return { provider: pod.proxy.provider, dataPlane: 'sidecar' };
  if (pod.ambient) return { provider: 'istio', dataPlane: 'ambient' };
  return undefined;
}

/**
 * How a workload is (or, with no running pods, will be) meshed. Running pods are the
 * truth; without pods, a proxy rendered into the template or the injection rules tell.
 */
export function workloadMeshings(w: EntityWorkload): PodMeshing[] {
  if (w.workload.pods.length > 0) {
    return w.workload.pods
      .map(podMeshing)
      .filter((m): m is PodMeshing => Boolean(m));
  }
  if (w.workload.templateProxy) {
    return [
      { provider: w.workload.templateProxy.provider, dataPlane: 'sidecar' },
    ];
  }
  if (w.injection.intent) {
    return [
      {
        provider: w.injection.intent.provider,
        dataPlane: w.injection.intent.dataPlane,
      },
    ];
  }
  return [];
}

export function summarizeMesh(workloads: EntityWorkload[]): {
  provider: MeshProvider;
  dataPlane: DataPlaneMode;
} {
  const meshings = workloads.flatMap(workloadMeshings);
  if (meshings.length === 0) return { provider: 'none', dataPlane: 'none' };
  const counts = new Map<string, number>();
  for (const m of meshings)
    counts.set(m.provider, (counts.get(m.provider) ?? 0) + 1);
  const provider = [...counts.entries()].sort(
    (a, b) => b[1] - a[1],
  )[0][0] as MeshProvider;
  const planes = new Set(meshings.map(m => m.dataPlane));
  return { provider, dataPlane: planes.size > 1 ? 'mixed' : [...planes][0] };
}

const meshesByFacts = new WeakMap<object, Set<string>>();

/**
 * The meshes a cluster already runs, judged from its pods and namespace labels. Computed
 * once per snapshot: every unmeshed entity of a fleet asks.
 */
export function clusterMeshes(
  snapshot: ClusterSnapshot | undefined,
): Set<string> {
  const facts = snapshot?.kubernetes.data;
  if (!facts) return new Set();
  const cached = meshesByFacts.get(facts);
  if (cached) return cached;
  const found = new Set<string>();
  meshesByFacts.set(facts, found);
  for (const w of facts.workloads) {
    for (const p of w.pods) {
      const m = podMeshing(p);
      if (m)
        found.add(m.dataPlane === 'ambient' ? 'istio-ambient' : m.provider);
    }
  }
  for (const ns of Object.values(facts.namespaces)) {
    if (ns.labels['istio-injection'] === 'enabled' || ns.labels['istio.io/rev'])
      found.add('istio');
    if (ns.labels['istio.io/dataplane-mode'] === 'ambient')
      found.add('istio-ambient');
    if (
      ['enabled', 'ingress'].includes(ns.annotations['linkerd.io/inject'] ?? '')
    )
      found.add('linkerd');
  }
  return found;
}
