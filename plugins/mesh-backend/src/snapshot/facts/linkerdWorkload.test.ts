import {
  DefaultInboundPolicyFacts,
  NamespaceFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { resources } from './__testUtils__/objects';
import { buildMeshConfigFacts } from './index';
import { defaultInboundPolicy, resolveLinkerd } from './linkerdWorkload';

const doc = (
  apiVersion: string,
  kind: string,
  name: string,
  spec: string,
  namespace = 'emojivoto',
  labels = '',
) => `
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
  creationTimestamp: "2025-04-02T12:00:00Z"
  resourceVersion: "51234"
  uid: 2a0e9d1c-1111-4c3b-9e1f-6d8c7b5a4f30${labels}
spec:
${spec}
---`;

const P = 'policy.linkerd.io/v1alpha1';
const S = 'policy.linkerd.io/v1beta3';

const cluster = resources(
  doc(
    S,
    'Server',
    'voting-grpc',
    '  podSelector:\n    matchLabels:\n      app: voting-svc\n  port: grpc\n  proxyProtocol: gRPC',
  ) +
    doc(
      S,
      'Server',
      'admin',
      '  podSelector: {}\n  port: linkerd-admin\n  proxyProtocol: HTTP/1',
      'emojivoto',
      '\n  labels:\n    emojivoto/api: admin',
    ) +
    doc(
      S,
      'Server',
      'web-http',
      '  podSelector:\n    matchLabels:\n      app: web-svc\n  port: http',
    ) +
    doc(
      P,
      'AuthorizationPolicy',
      'voting-from-web',
      `  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: voting-grpc
  requiredAuthenticationRefs:
  - group: policy.linkerd.io
    kind: MeshTLSAuthentication
    name: web-identity
  - group: policy.linkerd.io
    kind: NetworkAuthentication
    name: gone`,
    ) +
    doc(
      P,
      'AuthorizationPolicy',
      'whole-namespace',
      `  targetRef:
    kind: Namespace
    name: emojivoto
  requiredAuthenticationRefs:
  - group: policy.linkerd.io
    kind: NetworkAuthentication
    name: cluster-network`,
    ) +
    doc(
      P,
      'AuthorizationPolicy',
      'metrics-route',
      `  targetRef:
    group: policy.linkerd.io
    kind: HTTPRoute
    name: voting-metrics
  requiredAuthenticationRefs:
  - kind: ServiceAccount
    name: prometheus
    namespace: linkerd-viz`,
    ) +
    doc(
      P,
      'AuthorizationPolicy',
      'web-only',
      '  targetRef:\n    group: policy.linkerd.io\n    kind: Server\n    name: web-http\n  requiredAuthenticationRefs: []',
    ) +
    doc(
      S,
      'HTTPRoute',
      'voting-metrics',
      '  parentRefs:\n  - group: policy.linkerd.io\n    kind: Server\n    name: voting-grpc\n  rules:\n  - matches:\n    - path:\n        value: /metrics',
    ) +
    doc(
      P,
      'MeshTLSAuthentication',
      'web-identity',
      '  identityRefs:\n  - kind: ServiceAccount\n    name: web',
    ) +
    doc(
      P,
      'NetworkAuthentication',
      'cluster-network',
      '  networks:\n  - cidr: 10.0.0.0/8',
    ) +
    doc(
      'policy.linkerd.io/v1beta1',
      'ServerAuthorization',
      'voting-by-name',
      '  server:\n    name: voting-grpc\n  client:\n    meshTLS:\n      identities: ["*"]',
    ) +
    doc(
      'policy.linkerd.io/v1beta1',
      'ServerAuthorization',
      'admin-by-label',
      '  server:\n    selector:\n      matchLabels:\n        emojivoto/api: admin\n  client:\n    unauthenticated: true',
    ) +
    doc(
      'policy.linkerd.io/v1beta1',
      'ServerAuthorization',
      'web-by-name',
      '  server:\n    name: web-http\n  client:\n    unauthenticated: true',
    ) +
    doc(P, 'EgressNetwork', 'emojivoto-egress', '  trafficPolicy: Deny') +
    doc(
      P,
      'EgressNetwork',
      'global',
      '  trafficPolicy: Allow',
      'linkerd-egress',
    ) +
    doc(P, 'EgressNetwork', 'elsewhere', '  trafficPolicy: Allow', 'books'),
);

const ns: NamespaceFacts = {
  name: 'emojivoto',
  labels: {},
  annotations: { 'linkerd.io/inject': 'enabled' },
};

describe('resolveLinkerd', () => {
  const mesh = buildMeshConfigFacts(cluster);

  it('parses every object of the fixture', () => {
    expect(mesh.problems).toEqual([]);
  });

  it('joins Servers, policies (direct, namespace, route), ServerAuthorizations, egress', () => {
    const got = resolveLinkerd(
      mesh.linkerd,
      'emojivoto',
      [{ app: 'voting-svc', 'linkerd.io/workload-ns': 'emojivoto' }],
      [{}],
      ns,
    );
    expect(got.servers.map(s => s.ref.name)).toEqual(['voting-grpc', 'admin']);
    expect(
      got.authorizationPolicies.map(a => ({
        name: a.policy.ref.name,
        servers: a.servers,
        meshTLS: a.meshTLSAuthentications.map(m => m.ref.name),
        network: a.networkAuthentications.map(m => m.ref.name),
        missing: a.missingAuthentications.map(m => m.name),
      })),
    ).toEqual([
      {
        name: 'voting-from-web',
        servers: ['voting-grpc'],
        meshTLS: ['web-identity'],
        network: [],
        missing: ['gone'],
      },
      {
        name: 'whole-namespace',
        servers: ['voting-grpc', 'admin'],
        meshTLS: [],
        network: ['cluster-network'],
        missing: [],
      },
      {
        name: 'metrics-route',
        servers: ['voting-grpc'],
        meshTLS: [],
        network: [],
        missing: [],
      },
    ]);
    expect(got.serverAuthorizations.map(a => a.ref.name)).toEqual([
      'voting-by-name',
      'admin-by-label',
    ]);
    expect(got.egressNetworks.map(e => e.ref.name)).toEqual([
      'emojivoto-egress',
      'global',
    ]);
    expect(got.defaultInboundPolicy).toEqual({
      policy: 'all-unauthenticated',
      source: 'default',
    });
  });

  it('a workload in another namespace gets none of it', () => {
    const got = resolveLinkerd(
      mesh.linkerd,
      'books',
      [{ app: 'voting-svc' }],
      [{}],
      undefined,
    );
    expect(got.servers).toEqual([]);
    expect(got.authorizationPolicies).toEqual([]);
    expect(got.serverAuthorizations).toEqual([]);
    expect(got.egressNetworks.map(e => e.ref.name)).toEqual([
      'global',
      'elsewhere',
    ]);
  });
});

describe('defaultInboundPolicy', () => {
  const builtIn = buildMeshConfigFacts({}).linkerd.meshConfig;
  const key = 'config.linkerd.io/default-inbound-policy';
  const cases: Array<{
    name: string;
    pod: Record<string, string>;
    nsAnn: Record<string, string>;
    configured?: string;
    want: DefaultInboundPolicyFacts;
  }> = [
    {
      name: 'pod annotation wins',
      pod: { [key]: 'deny' },
      nsAnn: { [key]: 'all-authenticated' },
      configured: 'audit',
      want: { policy: 'deny', source: 'workload' },
    },
    {
      name: 'namespace annotation next',
      pod: {},
      nsAnn: { [key]: 'cluster-authenticated' },
      configured: 'audit',
      want: { policy: 'cluster-authenticated', source: 'namespace' },
    },
    {
      name: 'linkerd-config next',
      pod: {},
      nsAnn: {},
      configured: 'audit',
      want: { policy: 'audit', source: 'cluster' },
    },
    {
      name: "Linkerd's default last",
      pod: {},
      nsAnn: {},
      want: { policy: 'all-unauthenticated', source: 'default' },
    },
  ];
  it.each(cases)('$name', ({ pod, nsAnn, configured, want }) => {
    const config = configured
      ? {
          ...builtIn,
          defaultInboundPolicy: configured,
          defaultInboundPolicySource: 'cluster' as const,
        }
      : builtIn;
    expect(
      defaultInboundPolicy(
        [pod],
        { name: 'emojivoto', labels: {}, annotations: nsAnn },
        config,
      ),
    ).toEqual(want);
  });
});
