import { IstioMeshConfigFacts } from '@mesh-readiness/plugin-mesh-node';
import { objects } from './__testUtils__/objects';
import { resolveEgress, resolveSidecarScope, sidecarFacts } from './sidecars';

const sidecar = (
  namespace: string,
  name: string,
  spec: string,
  created = '2025-01-01T00:00:00Z',
) => `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: ${name}
  namespace: ${namespace}
  creationTimestamp: "${created}"
  generation: 1
  resourceVersion: "7001"
  uid: 9e8d7c6b-3333-4a5b-8c7d-6e5f4a3b2c10
spec:
${spec}
---`;

const ref = (namespace: string, name: string) => ({
  kind: 'Sidecar',
  group: 'networking.istio.io',
  namespace,
  name,
});

const cluster = objects(
  sidecar(
    'istio-system',
    'default',
    '  egress:\n  - hosts: ["./*", "istio-system/*"]\n  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY',
  ) +
    sidecar(
      'shop',
      'default',
      '  egress:\n  - hosts: ["./*", "istio-system/*", "payments/*"]',
    ) +
    sidecar(
      'shop',
      'cart',
      `  workloadSelector:
    labels:
      app: cart
  ingress:
  - port:
      number: 8080
      protocol: HTTP
      name: http
    defaultEndpoint: 127.0.0.1:8080
  egress:
  - port:
      number: 5432
      protocol: TCP
      name: postgres
    hosts: ["db/postgres.db.svc.cluster.local"]
  - hosts: ["./*"]
    captureMode: IPTABLES
  outboundTrafficPolicy:
    mode: ALLOW_ANY`,
    ) +
    sidecar(
      'shop',
      'cart-dup',
      '  workloadSelector:\n    labels:\n      tier: backend\n  egress:\n  - hosts: ["./*"]',
      '2025-06-01T00:00:00Z',
    ),
).map(sidecarFacts);

describe('sidecarFacts', () => {
  it('reads selector, egress, ingress and outbound policy', () => {
    expect(cluster[2]).toEqual({
      ref: ref('shop', 'cart'),
      workloadSelector: { app: 'cart' },
      egressHosts: ['db/postgres.db.svc.cluster.local', './*'],
      egress: [
        {
          hosts: ['db/postgres.db.svc.cluster.local'],
          port: { number: 5432, protocol: 'TCP', name: 'postgres' },
        },
        { hosts: ['./*'], captureMode: 'IPTABLES' },
      ],
      ingressCount: 1,
      outboundTrafficPolicy: 'ALLOW_ANY',
      createdAt: '2025-01-01T00:00:00Z',
    });
  });
});

describe('resolveSidecarScope + resolveEgress', () => {
  const meshConfig = (mode?: string): IstioMeshConfigFacts => ({
    ...(mode
      ? {
          source: {
            kind: 'ConfigMap',
            namespace: 'istio-system',
            name: 'istio',
          },
        }
      : {}),
    rootNamespace: 'istio-system',
    clusterDomain: 'cluster.local',
    outboundTrafficPolicy: mode ?? 'ALLOW_ANY',
    outboundTrafficPolicySource: mode ? 'mesh-config' : 'default',
  });
  const cases: Array<{
    name: string;
    namespace: string;
    labels: Record<string, string>;
    mesh: IstioMeshConfigFacts;
    scope: unknown;
    egress: unknown;
  }> = [
    {
      name: 'selector match wins; the other matching selector is a conflict',
      namespace: 'shop',
      labels: { app: 'cart', tier: 'backend' },
      mesh: meshConfig('REGISTRY_ONLY'),
      scope: {
        level: 'workload',
        name: 'cart',
        conflicts: [ref('shop', 'cart-dup')],
      },
      egress: {
        mode: 'ALLOW_ANY',
        level: 'sidecar',
        decidedBy: ref('shop', 'cart'),
      },
    },
    {
      name: "namespace default Sidecar without outbound policy: the mesh's applies",
      namespace: 'shop',
      labels: { app: 'web' },
      mesh: meshConfig('REGISTRY_ONLY'),
      scope: { level: 'namespace', name: 'default', conflicts: [] },
      egress: {
        mode: 'REGISTRY_ONLY',
        level: 'mesh',
        decidedBy: {
          kind: 'ConfigMap',
          namespace: 'istio-system',
          name: 'istio',
        },
      },
    },
    {
      name: "another namespace falls back to the root namespace's Sidecar",
      namespace: 'books',
      labels: { app: 'cart' },
      mesh: meshConfig(),
      scope: { level: 'mesh', name: 'default', conflicts: [] },
      egress: {
        mode: 'REGISTRY_ONLY',
        level: 'sidecar',
        decidedBy: ref('istio-system', 'default'),
      },
    },
  ];
  it.each(cases)('$name', ({ namespace, labels, mesh, scope, egress }) => {
    const got = resolveSidecarScope(
      cluster,
      namespace,
      [labels],
      'istio-system',
    );
    expect(
      got && {
        level: got.level,
        name: got.sidecar.ref.name,
        conflicts: got.conflicts,
      },
    ).toEqual(scope);
    expect(resolveEgress(got, mesh)).toEqual(egress);
  });

  it('no Sidecar anywhere: no scope, and egress is the default ALLOW_ANY', () => {
    const got = resolveSidecarScope(
      [],
      'shop',
      [{ app: 'cart' }],
      'istio-system',
    );
    expect(got).toBeUndefined();
    expect(resolveEgress(got, meshConfig())).toEqual({
      mode: 'ALLOW_ANY',
      level: 'default',
    });
  });
});
