import {
  contextFor,
  deployment,
  deploymentWithPods,
  istioProxy,
  linkerdProxy,
  namespace,
  pod,
  snapshot,
} from '../__testUtils__/fixtures';
import {
  clusterMeshes,
  podMeshing,
  summarizeMesh,
  workloadMeshings,
} from './meshing';
import {
  buildMeshConfigFacts,
  resolveWorkloadMeshFacts,
} from '../snapshot/facts';
import {
  PodFacts,
  WorkloadFacts,
  EntityWorkload,
} from '@mesh-readiness/plugin-mesh-node';

const NO_RESOURCES = { requests: {}, limits: {} };

const podFacts = (o: Partial<PodFacts> = {}): PodFacts => ({
  namespace: 'shop',
  name: 'p',
  labels: {},
  annotations: {},
  hostNetwork: false,
  serviceAccountName: 'default',
  containers: [],
  ambient: false,
  ...o,
});

const workload = (
  pods: PodFacts[],
  o: Partial<WorkloadFacts> = {},
  injection: EntityWorkload['injection'] = {},
): EntityWorkload => {
  const facts: WorkloadFacts = {
    namespace: 'shop',
    kind: 'Deployment',
    name: 'checkout',
    labels: {},
    annotations: {},
    templateLabels: {},
    templateAnnotations: {},
    objectSeen: true,
    pods,
    templateContainers: [],
    hostNetwork: false,
    serviceAccountName: 'default',
    ...o,
  };
  return {
    cluster: 'prod',
    workload: facts,
    injection,
    // No mesh configuration objects in the cluster.
    mesh: resolveWorkloadMeshFacts(buildMeshConfigFacts({}), facts, undefined),
  };
};

const istioPod = podFacts({
  proxy: {
    provider: 'istio',
    container: 'istio-proxy',
    nativeSidecar: false,
    resources: NO_RESOURCES,
  },
});
const istioNativePod = podFacts({
  proxy: {
    provider: 'istio',
    container: 'istio-proxy',
    nativeSidecar: true,
    resources: NO_RESOURCES,
  },
});
const linkerdPod = podFacts({
  proxy: {
    provider: 'linkerd',
    container: 'linkerd-proxy',
    nativeSidecar: false,
    resources: NO_RESOURCES,
  },
});
const ambientPod = podFacts({ ambient: true });
const plainPod = podFacts();

describe('podMeshing', () => {
  it.each([
    ['an Istio sidecar', istioPod, { provider: 'istio', dataPlane: 'sidecar' }],
    [
      'an Istio native sidecar',
      istioNativePod,
      { provider: 'istio', dataPlane: 'sidecar' },
    ],
    [
      'a Linkerd proxy',
      linkerdPod,
      { provider: 'linkerd', dataPlane: 'sidecar' },
    ],
    [
      'ambient redirection',
      ambientPod,
      { provider: 'istio', dataPlane: 'ambient' },
    ],
    ['no proxy and no redirection', plainPod, undefined],
  ])('reads %s', (_why, p, expected) => {
    expect(podMeshing(p)).toEqual(expected);
  });
});

describe('workloadMeshings', () => {
  it('reads running pods first, ignoring what the injection rules would do', () => {
    const w = workload(
      [istioPod, plainPod],
      {},
      {
        intent: { provider: 'linkerd', dataPlane: 'sidecar', via: 'x' },
      },
    );
    expect(workloadMeshings(w)).toEqual([
      { provider: 'istio', dataPlane: 'sidecar' },
    ]);
  });

  it('reads a proxy in the template when no pods run', () => {
    const w = workload([], {
      templateProxy: {
        provider: 'linkerd',
        container: 'linkerd-proxy',
        nativeSidecar: false,
        resources: NO_RESOURCES,
      },
    });
    expect(workloadMeshings(w)).toEqual([
      { provider: 'linkerd', dataPlane: 'sidecar' },
    ]);
  });

  it('reads the injection intent when no pods run and the template has no proxy', () => {
    const w = workload(
      [],
      {},
      { intent: { provider: 'istio', dataPlane: 'ambient', via: 'x' } },
    );
    expect(workloadMeshings(w)).toEqual([
      { provider: 'istio', dataPlane: 'ambient' },
    ]);
  });

  it('is empty with no pods, no template proxy and no intent', () => {
    expect(workloadMeshings(workload([], {}, { optOut: 'x' }))).toEqual([]);
  });
});

describe('summarizeMesh', () => {
  it.each([
    ['no workloads', [], { provider: 'none', dataPlane: 'none' }],
    [
      'unmeshed pods',
      [workload([plainPod, plainPod])],
      { provider: 'none', dataPlane: 'none' },
    ],
    [
      'Istio sidecars',
      [workload([istioPod, istioNativePod])],
      { provider: 'istio', dataPlane: 'sidecar' },
    ],
    [
      'Istio ambient',
      [workload([ambientPod])],
      { provider: 'istio', dataPlane: 'ambient' },
    ],
    [
      'Linkerd',
      [workload([linkerdPod, plainPod])],
      { provider: 'linkerd', dataPlane: 'sidecar' },
    ],
    [
      'sidecar and ambient workloads',
      [workload([istioPod]), workload([ambientPod], { name: 'other' })],
      { provider: 'istio', dataPlane: 'mixed' },
    ],
    [
      'more Linkerd pods than Istio pods',
      [workload([istioPod, linkerdPod, linkerdPod])],
      { provider: 'linkerd', dataPlane: 'sidecar' },
    ],
  ])('is %j for %s', (_why, workloads, expected) => {
    expect(summarizeMesh(workloads as EntityWorkload[])).toEqual(expected);
  });
});

describe('clusterMeshes', () => {
  it('is empty without a snapshot or without Kubernetes data', () => {
    expect(clusterMeshes(undefined)).toEqual(new Set());
    expect(
      clusterMeshes(
        snapshot('prod', [], { kubernetes: { ok: false, data: undefined } }),
      ),
    ).toEqual(new Set());
  });

  it.each([
    [
      'an injected Istio pod',
      [pod('a', 'x', { containers: [istioProxy()] })],
      ['istio'],
    ],
    [
      'a Linkerd pod',
      [pod('a', 'x', { containers: [linkerdProxy()] })],
      ['linkerd'],
    ],
    [
      'an ambient pod',
      [
        pod('a', 'x', {
          annotations: { 'ambient.istio.io/redirection': 'enabled' },
        }),
      ],
      ['istio-ambient'],
    ],
    [
      'an istio-injection namespace',
      [namespace('x', { labels: { 'istio-injection': 'enabled' } })],
      ['istio'],
    ],
    [
      'an istio.io/rev namespace',
      [namespace('x', { labels: { 'istio.io/rev': 'canary' } })],
      ['istio'],
    ],
    [
      'an ambient namespace',
      [namespace('x', { labels: { 'istio.io/dataplane-mode': 'ambient' } })],
      ['istio-ambient'],
    ],
    [
      'a Linkerd namespace',
      [namespace('x', { annotations: { 'linkerd.io/inject': 'enabled' } })],
      ['linkerd'],
    ],
    [
      'a disabled namespace',
      [namespace('x', { labels: { 'istio-injection': 'disabled' } })],
      [],
    ],
    ['a plain cluster', [namespace('x'), deployment('d', 'x')], []],
  ])('finds %s', (_why, objects, expected) => {
    expect([...clusterMeshes(snapshot('prod', objects))].sort()).toEqual(
      expected,
    );
  });

  it('finds every mesh a cluster runs', () => {
    const s = snapshot('prod', [
      namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
      namespace('payments', {
        annotations: { 'linkerd.io/inject': 'enabled' },
      }),
      ...deploymentWithPods('inventory', 'inventory', {
        pods: 1,
        podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
      }),
    ]);
    expect([...clusterMeshes(s)].sort()).toEqual([
      'istio',
      'istio-ambient',
      'linkerd',
    ]);
  });

  it('is what contextFor sees for the cluster', () => {
    const ctx = contextFor([
      snapshot(
        'prod',
        deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
      ),
    ]);
    expect([...clusterMeshes(ctx.snapshots[0])]).toEqual(['istio']);
  });
});
