/**
 * Builders for control-plane tests: istiod and the Linkerd control plane as their charts
 * render them, and meshed workloads whose pods may run different proxies.
 */
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  ContainerSpec,
  container,
  deployment,
  pod,
  replicaSet,
} from './fixtures';

export interface ControlPlaneOptions {
  namespace?: string;
  /** The image tag; `undefined` with `digest` pins the image by digest. */
  version?: string;
  digest?: boolean;
  /** Running pods (all Running unless `pendingPods`). */
  pods?: number;
  pendingPods?: number;
  /**
   * Running pods whose readiness probe fails. When set, every pod reports its
   * conditions and the Deployment its status, as a live cluster does.
   */
  unreadyPods?: number;
  replicas?: number;
  /** Resource requests on the main container (default true). */
  requests?: boolean;
  hpaMinReplicas?: number;
  pdb?: boolean;
}

function hpa(name: string, ns: string, min: number): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: min,
      maxReplicas: 5,
    },
  };
}

function pdb(
  name: string,
  ns: string,
  matchLabels: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: ns },
    spec: { minAvailable: 1, selector: { matchLabels } },
  };
}

function controlPlaneDeployment(
  name: string,
  ns: string,
  labels: Record<string, string>,
  main: string,
  image: string,
  o: ControlPlaneOptions,
): KubeObject[] {
  const hash = '7d4f9c8b6';
  const running = o.pods ?? 2;
  const pending = o.pendingPods ?? 0;
  const mainContainer: ContainerSpec = {
    ...container(main, image),
    ...(o.requests === false
      ? {}
      : { resources: { requests: { cpu: '500m', memory: '2Gi' } } }),
  };
  const pods = Array.from({ length: running + pending }, (_, i) =>
    pod(`${name}-${hash}-x${i}`, ns, {
      labels: { ...labels, 'pod-template-hash': hash },
      owner: { kind: 'ReplicaSet', name: `${name}-${hash}` },
      containers: [mainContainer],
      phase: i < running ? 'Running' : 'Pending',
      ...(o.unreadyPods !== undefined
        ? { ready: i < running - o.unreadyPods }
        : {}),
    }),
  );
  const ready = running - (o.unreadyPods ?? 0);
  return [
    deployment(name, ns, {
      labels,
      templateLabels: labels,
      replicas: o.replicas ?? running + pending,
      containers: [mainContainer],
      ...(o.unreadyPods !== undefined
        ? {
            status: {
              observedGeneration: 1,
              replicas: running + pending,
              updatedReplicas: running + pending,
              // The API leaves out counts of zero.
              ...(ready > 0
                ? { readyReplicas: ready, availableReplicas: ready }
                : {}),
              ...(running + pending - ready > 0
                ? { unavailableReplicas: running + pending - ready }
                : {}),
            },
          }
        : {}),
    }),
    replicaSet(`${name}-${hash}`, ns, { kind: 'Deployment', name }),
    ...pods,
    ...(o.hpaMinReplicas !== undefined
      ? [hpa(name, ns, o.hpaMinReplicas)]
      : []),
    ...(o.pdb ? [pdb(name, ns, labels)] : []),
  ];
}

const DIGEST =
  'sha256:2c3a0c5b0f4f8a1e9d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e';

/** istiod of a revision (`default` when omitted), 2 running replicas with requests. */
export function istiod(
  revision = 'default',
  o: ControlPlaneOptions = {},
): KubeObject[] {
  const name = revision === 'default' ? 'istiod' : `istiod-${revision}`;
  const image = o.digest
    ? `docker.io/istio/pilot@${DIGEST}`
    : `docker.io/istio/pilot:${o.version ?? '1.27.1'}`;
  return controlPlaneDeployment(
    name,
    o.namespace ?? 'istio-system',
    { app: 'istiod', istio: 'pilot', 'istio.io/rev': revision },
    'discovery',
    image,
    o,
  );
}

/** linkerd-destination, -identity and -proxy-injector, 2 running replicas each. */
export function linkerdControlPlane(o: ControlPlaneOptions = {}): KubeObject[] {
  const ns = o.namespace ?? 'linkerd';
  const version = o.version ?? 'edge-25.9.1';
  return [
    ['linkerd-destination', 'destination'],
    ['linkerd-identity', 'identity'],
    ['linkerd-proxy-injector', 'proxy-injector'],
  ].flatMap(([name, main]) =>
    controlPlaneDeployment(
      name,
      ns,
      {
        'linkerd.io/control-plane-component': main,
        'linkerd.io/control-plane-ns': ns,
        'app.kubernetes.io/version': version,
      },
      main === 'proxy-injector' ? 'proxy-injector' : main,
      o.digest
        ? `cr.l5d.io/linkerd/controller@${DIGEST}`
        : `cr.l5d.io/linkerd/controller:${version}`,
      o,
    ),
  );
}

/**
 * A Deployment `checkout` (label app=checkout) whose pods run the given proxies, one pod
 * per entry (`undefined`: a pod without a proxy).
 */
export function appWithProxies(
  ns: string,
  proxies: Array<ContainerSpec | undefined>,
  o: {
    name?: string;
    annotations?: Array<Record<string, string> | undefined>;
    labels?: Record<string, string>;
  } = {},
): KubeObject[] {
  const name = o.name ?? 'checkout';
  const hash = '5c4b3a2f1';
  const labels = { app: name, ...o.labels };
  return [
    deployment(name, ns, {
      templateLabels: labels,
      replicas: proxies.length,
    }),
    replicaSet(`${name}-${hash}`, ns, { kind: 'Deployment', name }),
    ...proxies.map((proxy, i) =>
      pod(`${name}-${hash}-p${i}`, ns, {
        labels: { ...labels, 'pod-template-hash': hash },
        annotations: o.annotations?.[i],
        owner: { kind: 'ReplicaSet', name: `${name}-${hash}` },
        containers: [container(name), ...(proxy ? [proxy] : [])],
      }),
    ),
  ];
}
