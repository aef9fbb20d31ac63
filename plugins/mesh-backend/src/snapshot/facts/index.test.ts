import {
  KubeObject,
  MeshConfigFacts,
  NamespaceFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { pod, resources, workload } from './__testUtils__/objects';
import {
  buildMeshConfigFacts,
  buildMeshConfigFactsSteps,
  resolveWorkloadMeshFacts,
} from './index';

/** One namespace of a shop, as `kubectl get -A -o yaml` would list its mesh config. */
const cluster = resources(`
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    rootNamespace: istio-system
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
  labels:
    app: cart
spec:
  type: ClusterIP
  selector:
    app: cart
  ports:
  - name: http
    port: 80
    targetPort: 8080
    protocol: TCP
---
apiVersion: v1
kind: Service
metadata:
  name: cart-headless
  namespace: shop
spec:
  clusterIP: None
  ports:
  - port: 80
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: cart
  namespace: shop
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: cart
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  minAvailable: 50%
  selector:
    matchLabels:
      app: web
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: istio-system
spec:
  mtls:
    mode: STRICT
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: cart-from-web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: cart
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/shop/sa/web"]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: shop
spec:
  egress:
  - hosts: ["./*", "istio-system/*"]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: cart
  namespace: shop
spec:
  host: cart
  subsets:
  - name: v1
    labels:
      version: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: shop-wide
  namespace: shop
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 7
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: payments
  namespace: payments
spec:
  host: payments
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cart-from-frontend
  namespace: frontend
spec:
  hosts: [cart.shop.svc.cluster.local]
  http:
  - timeout: 3s
    route:
    - destination:
        host: cart.shop.svc.cluster.local
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: stripe
  namespace: shop
spec:
  hosts: [api.stripe.com]
  resolution: DNS
  ports:
  - number: 443
    name: tls
    protocol: TLS
---
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata:
  name: cart-http
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: cart
  port: http
---
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata:
  name: all-egress
  namespace: linkerd-egress
spec:
  trafficPolicy: Allow
`);

const shop: NamespaceFacts = {
  name: 'shop',
  labels: { 'istio-injection': 'enabled' },
  annotations: {},
};

const cart = workload({
  pods: [
    pod(
      { app: 'cart', version: 'v1', 'pod-template-hash': '5d8f7c9b4' },
      { name: 'cart-5d8f7c9b4-abcde' },
    ),
  ],
});

describe('buildMeshConfigFacts', () => {
  const mesh = buildMeshConfigFacts(cluster);

  it('parses every kind into its list, with no problem', () => {
    expect(mesh.problems).toEqual([]);
    expect({
      services: mesh.services.length,
      pdbs: mesh.podDisruptionBudgets.length,
      pas: mesh.istio.peerAuthentications.length,
      aps: mesh.istio.authorizationPolicies.length,
      sidecars: mesh.istio.sidecars.length,
      drs: mesh.istio.destinationRules.length,
      vss: mesh.istio.virtualServices.length,
      ses: mesh.istio.serviceEntries.length,
      servers: mesh.linkerd.servers.length,
      egress: mesh.linkerd.egressNetworks.length,
      controlPlanes: mesh.controlPlanes.length,
    }).toEqual({
      services: 2,
      pdbs: 2,
      pas: 1,
      aps: 1,
      sidecars: 1,
      drs: 3,
      vss: 1,
      ses: 1,
      servers: 1,
      egress: 1,
      controlPlanes: 0,
    });
    expect(mesh.istio.meshConfig.outboundTrafficPolicy).toBe('REGISTRY_ONLY');
  });

  it('indexes DestinationRules and VirtualServices by FQDN host', () => {
    expect(Object.keys(mesh.istio.destinationRulesByHost).sort()).toEqual([
      '*.shop.svc.cluster.local',
      'cart.shop.svc.cluster.local',
      'payments.payments.svc.cluster.local',
    ]);
    expect(
      mesh.istio.virtualServicesByHost['cart.shop.svc.cluster.local'].map(
        v => v.ref.name,
      ),
    ).toEqual(['cart-from-frontend']);
  });

  it('survives malformed objects: skips them and names them in problems', () => {
    const broken: Record<string, KubeObject[]> = {
      ...cluster,
      'networking.istio.io/DestinationRule': [
        ...cluster['networking.istio.io/DestinationRule'],
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'DestinationRule',
          metadata: { name: 'hostless', namespace: 'shop' },
          spec: { subsets: 'v1' },
        },
      ],
      'security.istio.io/PeerAuthentication': [
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          metadata: { name: 'odd', namespace: 'shop' },
          spec: { mtls: { mode: 'ON' } },
        },
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'PeerAuthentication',
          spec: 'not an object',
        } as unknown as KubeObject,
      ],
      'policy/PodDisruptionBudget': [null as unknown as KubeObject],
      'policy.linkerd.io/Server': 'not a list' as unknown as KubeObject[],
    };
    const facts = buildMeshConfigFacts(broken);
    expect(facts.istio.destinationRules).toHaveLength(3);
    expect(facts.istio.peerAuthentications).toEqual([]);
    expect(facts.linkerd.servers).toEqual([]);
    expect(facts.problems).toEqual([
      'policy/PodDisruptionBudget (unnamed): not a Kubernetes object (no metadata.name)',
      'networking.istio.io/DestinationRule shop/hostless: host is missing',
      "security.istio.io/PeerAuthentication shop/odd: mtls mode 'ON' is unknown",
      'security.istio.io/PeerAuthentication (unnamed): not a Kubernetes object (no metadata.name)',
    ]);
  });

  it('parses in steps, a pause every 200 objects, to the same facts', () => {
    const many: Record<string, KubeObject[]> = {
      ...cluster,
      Service: Array.from({ length: 1_000 }, (_, i) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `svc-${i}`, namespace: `ns-${i % 10}` },
        spec: { selector: { app: `svc-${i}` }, ports: [{ port: 80 }] },
      })),
    };
    const steps = buildMeshConfigFactsSteps(many);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    expect(step.value).toEqual(buildMeshConfigFacts(many));
    expect(step.value.services).toHaveLength(1_000);
    expect(pauses).toBeGreaterThanOrEqual(5);
  });

  it('takes the control-plane workloads and namespaces as options', () => {
    const istiod = workload({
      namespace: 'mesh-system',
      name: 'istiod',
      labels: { app: 'istiod' },
      templateContainers: [
        {
          name: 'discovery',
          image: 'docker.io/istio/pilot:1.23.0',
          resources: { requests: {}, limits: {} },
          ports: [],
        },
      ],
    });
    const facts = buildMeshConfigFacts({}, [istiod, cart], {
      istioNamespace: 'mesh-system',
    });
    expect(facts.controlPlanes.map(c => [c.name, c.version])).toEqual([
      ['istiod', '1.23.0'],
    ]);
    expect(facts.istio.meshConfig.rootNamespace).toBe('mesh-system');
  });
});

describe('resolveWorkloadMeshFacts', () => {
  const mesh = buildMeshConfigFacts(cluster);

  it('joins everything that applies to the cart Deployment', () => {
    const facts = resolveWorkloadMeshFacts(mesh, cart, shop);
    expect(facts.services.map(s => s.name)).toEqual(['cart']);
    expect(
      facts.disruptionBudgets.map(p => [p.ref.name, p.maxUnavailable]),
    ).toEqual([['cart', 1]]);
    expect(facts.istio.mtls).toMatchObject({ mode: 'STRICT', level: 'mesh' });
    expect(
      facts.istio.authorizationPolicies.map(a => [a.policy.ref.name, a.scope]),
    ).toEqual([['cart-from-web', 'workload']]);
    expect(facts.istio.sidecarScope).toMatchObject({
      level: 'namespace',
      sidecar: { egressHosts: ['./*', 'istio-system/*'] },
    });
    expect(facts.istio.egress).toEqual({
      mode: 'REGISTRY_ONLY',
      level: 'mesh',
      decidedBy: {
        kind: 'ConfigMap',
        namespace: 'istio-system',
        name: 'istio',
      },
    });
    expect(facts.istio.destinationRules.map(d => d.ref.name)).toEqual([
      'cart',
      'shop-wide',
    ]);
    expect(facts.istio.virtualServices.map(v => v.ref.name)).toEqual([
      'cart-from-frontend',
    ]);
    expect(facts.istio.waypoints).toEqual([]);
    expect(facts.linkerd.servers.map(s => s.ref.name)).toEqual(['cart-http']);
    expect(facts.linkerd.egressNetworks.map(e => e.ref.name)).toEqual([
      'all-egress',
    ]);
    expect(facts.linkerd.defaultInboundPolicy).toEqual({
      policy: 'all-unauthenticated',
      source: 'default',
    });
  });

  it('uses the template labels of a workload with no pods yet', () => {
    const facts = resolveWorkloadMeshFacts(
      mesh,
      workload({ name: 'web', templateLabels: { app: 'web' } }),
      shop,
    );
    expect(facts.services).toEqual([]);
    expect(
      facts.disruptionBudgets.map(p => [p.ref.name, p.minAvailable]),
    ).toEqual([['web', '50%']]);
    expect(facts.istio.authorizationPolicies).toEqual([]);
  });

  it('reads a snapshot stored before these facts existed without throwing', () => {
    const old = { services: mesh.services } as unknown as MeshConfigFacts;
    const facts = resolveWorkloadMeshFacts(old, cart, undefined);
    expect(facts.services.map(s => s.name)).toEqual(['cart']);
    expect(facts.istio.mtls).toMatchObject({
      mode: 'PERMISSIVE',
      level: 'default',
    });
    expect(facts.istio.egress).toEqual({ mode: 'ALLOW_ANY', level: 'default' });
  });
});
