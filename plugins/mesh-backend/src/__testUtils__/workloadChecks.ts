/**
 * Builders for the sidecar, workload and upgrade check tests: the mesh objects those
 * checks read (PDBs, Sidecars, VirtualServices, Services with annotations), as
 * `kubectl get -o yaml` prints them, and a one-call context for entity `checkout`.
 */
import {
  CheckOutcome,
  KubeObject,
  MeshCheck,
  MetricsData,
} from '@mesh-readiness/plugin-mesh-node';
import {
  AppOptions,
  ContainerSpec,
  contextFor,
  deploymentWithPods,
  istioProxy,
  linkerdProxy,
  namespace,
  snapshot,
} from './fixtures';

type StringMap = Record<string, string>;

export const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
export const AMBIENT_NS = namespace('shop', {
  labels: { 'istio.io/dataplane-mode': 'ambient' },
});
export const LINKERD_NS = namespace('shop', {
  annotations: { 'linkerd.io/inject': 'enabled' },
});
export const PLAIN_NS = namespace('shop');

export type Mesh = 'istio' | 'ambient' | 'linkerd' | 'none';

export const NAMESPACES: Record<Mesh, KubeObject> = {
  istio: ISTIO_NS,
  ambient: AMBIENT_NS,
  linkerd: LINKERD_NS,
  none: PLAIN_NS,
};

/** A proxy container with the given requests and limits. */
export function proxyWith(
  mesh: 'istio' | 'linkerd',
  resources: {
    requests?: StringMap;
    limits?: StringMap;
  } = {},
): ContainerSpec {
  return {
    ...(mesh === 'istio' ? istioProxy() : linkerdProxy()),
    ...(resources.requests || resources.limits ? { resources } : {}),
  };
}

/** `checkout` in namespace `shop`, meshed the given way, with its pods. */
export function checkoutApp(mesh: Mesh, o: AppOptions = {}): KubeObject[] {
  const pods = o.pods ?? 2;
  const meshed = mesh === 'istio' || mesh === 'linkerd';
  return [
    NAMESPACES[mesh],
    ...deploymentWithPods('checkout', 'shop', {
      pods,
      meshedPods: meshed ? pods : 0,
      proxy: meshed ? proxyWith(mesh as 'istio' | 'linkerd') : undefined,
      ...(mesh === 'ambient'
        ? { podAnnotations: { 'ambient.istio.io/redirection': 'enabled' } }
        : {}),
      ...o,
    }),
  ];
}

/** Runs one check on entity `checkout` (selector app=checkout) over the objects. */
export function run(
  check: MeshCheck,
  objects: KubeObject[],
  metrics?: MetricsData,
): CheckOutcome {
  return check.evaluate(
    contextFor([snapshot('prod', objects, metrics ? { metrics } : {})]),
  );
}

export function serviceObject(
  name: string,
  ns: string,
  selector: StringMap,
  ports: Array<Record<string, unknown>>,
  annotations?: StringMap,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
    spec: { type: 'ClusterIP', selector, ports },
  };
}

export function pdbObject(
  name: string,
  ns: string,
  selector: StringMap,
  spec: { minAvailable?: number | string; maxUnavailable?: number | string },
  status?: Record<string, number>,
): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: ns },
    spec: { ...spec, selector: { matchLabels: selector } },
    ...(status ? { status } : {}),
  };
}

export function sidecarObject(
  name: string,
  ns: string,
  egressHosts: string[] | undefined,
  workloadSelector?: StringMap,
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name, namespace: ns },
    spec: {
      ...(workloadSelector
        ? { workloadSelector: { labels: workloadSelector } }
        : {}),
      ...(egressHosts ? { egress: [{ hosts: egressHosts }] } : {}),
    },
  };
}

export function virtualServiceObject(
  name: string,
  ns: string,
  host: string,
  http: Array<Record<string, unknown>>,
): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: ns },
    spec: { hosts: [host], http },
  };
}

/** `count` Services in namespace `other`, to make a cluster big. */
export function manyServices(count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) =>
    serviceObject(`svc-${i}`, 'other', { app: `svc-${i}` }, [
      { name: 'http', port: 80, protocol: 'TCP' },
    ]),
  );
}
