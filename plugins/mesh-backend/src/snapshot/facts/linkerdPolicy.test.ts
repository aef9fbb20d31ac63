import { object } from './__testUtils__/objects';
import {
  egressNetworkFacts,
  linkerdAuthorizationPolicyFacts,
  linkerdRouteFacts,
  linkerdServerFacts,
  meshTLSAuthenticationFacts,
  networkAuthenticationFacts,
  serverAuthorizationFacts,
} from './linkerdPolicy';

const meta = (
  kind: string,
  name: string,
  apiVersion = 'policy.linkerd.io/v1alpha1',
) => `
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
  namespace: emojivoto
  creationTimestamp: "2025-04-02T12:00:00Z"
  generation: 1
  resourceVersion: "51234"
  uid: 2a0e9d1c-1111-4c3b-9e1f-6d8c7b5a4f30
  labels:
    app.kubernetes.io/part-of: emojivoto`;

const ref = (kind: string, name: string) => ({
  kind,
  group: 'policy.linkerd.io',
  namespace: 'emojivoto',
  name,
});

describe('Linkerd policy parsers', () => {
  const cases = [
    {
      name: 'Server with matchLabels and a named port, defaults',
      parse: linkerdServerFacts,
      yaml: `${meta('Server', 'voting-grpc', 'policy.linkerd.io/v1beta3')}
spec:
  podSelector:
    matchLabels:
      app: voting-svc
  port: grpc
  proxyProtocol: gRPC`,
      want: {
        ref: ref('Server', 'voting-grpc'),
        labels: { 'app.kubernetes.io/part-of': 'emojivoto' },
        podSelector: {
          matchLabels: { app: 'voting-svc' },
          matchExpressions: [],
        },
        port: 'grpc',
        proxyProtocol: 'gRPC',
        accessPolicy: 'deny',
      },
    },
    {
      name: 'Server with matchExpressions, numeric port, accessPolicy',
      parse: linkerdServerFacts,
      yaml: `${meta('Server', 'web-http', 'policy.linkerd.io/v1beta3')}
spec:
  podSelector:
    matchExpressions:
    - key: app
      operator: In
      values: [web-svc, web-canary]
  port: 8080
  accessPolicy: audit`,
      want: {
        podSelector: {
          matchLabels: {},
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['web-svc', 'web-canary'] },
          ],
        },
        port: 8080,
        proxyProtocol: 'unknown',
        accessPolicy: 'audit',
      },
    },
    {
      name: 'Server for external workloads selects no pod',
      parse: linkerdServerFacts,
      yaml: `${meta('Server', 'vm', 'policy.linkerd.io/v1beta3')}
spec:
  externalWorkloadSelector:
    matchLabels:
      app: legacy-vm
  port: 9000`,
      want: { port: 9000, podSelector: undefined },
    },
    {
      name: 'AuthorizationPolicy to a Server, with authentications',
      parse: linkerdAuthorizationPolicyFacts,
      yaml: `${meta('AuthorizationPolicy', 'voting-grpc')}
spec:
  targetRef:
    group: policy.linkerd.io
    kind: Server
    name: voting-grpc
  requiredAuthenticationRefs:
  - group: policy.linkerd.io
    kind: MeshTLSAuthentication
    name: web-identity
  - kind: ServiceAccount
    name: vote-bot
    namespace: bots`,
      want: {
        ref: ref('AuthorizationPolicy', 'voting-grpc'),
        targetRef: {
          group: 'policy.linkerd.io',
          kind: 'Server',
          name: 'voting-grpc',
          namespace: 'emojivoto',
        },
        requiredAuthenticationRefs: [
          {
            group: 'policy.linkerd.io',
            kind: 'MeshTLSAuthentication',
            name: 'web-identity',
            namespace: 'emojivoto',
          },
          {
            group: '',
            kind: 'ServiceAccount',
            name: 'vote-bot',
            namespace: 'bots',
          },
        ],
      },
    },
    {
      name: 'MeshTLSAuthentication with identities and identityRefs',
      parse: meshTLSAuthenticationFacts,
      yaml: `${meta('MeshTLSAuthentication', 'web-identity')}
spec:
  identities:
  - web.emojivoto.serviceaccount.identity.linkerd.cluster.local
  identityRefs:
  - kind: ServiceAccount
    name: web`,
      want: {
        identities: [
          'web.emojivoto.serviceaccount.identity.linkerd.cluster.local',
        ],
        identityRefs: [
          {
            group: '',
            kind: 'ServiceAccount',
            name: 'web',
            namespace: 'emojivoto',
          },
        ],
      },
    },
    {
      name: 'NetworkAuthentication',
      parse: networkAuthenticationFacts,
      yaml: `${meta('NetworkAuthentication', 'cluster-network')}
spec:
  networks:
  - cidr: 10.0.0.0/8
    except: [10.0.99.0/24]
  - cidr: 192.168.0.0/16`,
      want: {
        networks: [
          { cidr: '10.0.0.0/8', except: ['10.0.99.0/24'] },
          { cidr: '192.168.0.0/16', except: [] },
        ],
      },
    },
    {
      name: 'legacy ServerAuthorization by name',
      parse: serverAuthorizationFacts,
      yaml: `${meta(
        'ServerAuthorization',
        'voting-grpc',
        'policy.linkerd.io/v1beta1',
      )}
spec:
  server:
    name: voting-grpc
  client:
    meshTLS:
      serviceAccounts:
      - name: web
      - name: prometheus
        namespace: linkerd-viz`,
      want: {
        server: { name: 'voting-grpc' },
        unauthenticated: false,
        unauthenticatedTLS: false,
        identities: [],
        serviceAccounts: [
          { name: 'web', namespace: 'emojivoto' },
          { name: 'prometheus', namespace: 'linkerd-viz' },
        ],
        networks: [],
      },
    },
    {
      name: 'legacy ServerAuthorization by selector, unauthenticated',
      parse: serverAuthorizationFacts,
      yaml: `${meta(
        'ServerAuthorization',
        'admin-everyone',
        'policy.linkerd.io/v1beta1',
      )}
spec:
  server:
    selector:
      matchLabels:
        emojivoto/api: admin
  client:
    unauthenticated: true
    networks:
    - cidr: 0.0.0.0/0`,
      want: {
        server: {
          selector: {
            matchLabels: { 'emojivoto/api': 'admin' },
            matchExpressions: [],
          },
        },
        unauthenticated: true,
        networks: [{ cidr: '0.0.0.0/0', except: [] }],
      },
    },
    {
      name: 'HTTPRoute parents (a Server, and a defaulted Gateway)',
      parse: linkerdRouteFacts,
      yaml: `${meta('HTTPRoute', 'voting-metrics', 'policy.linkerd.io/v1beta3')}
spec:
  parentRefs:
  - group: policy.linkerd.io
    kind: Server
    name: voting-grpc
  - name: ingress
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /metrics`,
      want: {
        parentRefs: [
          {
            group: 'policy.linkerd.io',
            kind: 'Server',
            name: 'voting-grpc',
            namespace: 'emojivoto',
          },
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'ingress',
            namespace: 'emojivoto',
          },
        ],
      },
    },
    {
      name: 'HTTPRoute matching the Upgrade header (websockets)',
      parse: linkerdRouteFacts,
      yaml: `${meta('HTTPRoute', 'web-live', 'gateway.networking.k8s.io/v1')}
spec:
  parentRefs:
  - group: core
    kind: Service
    name: web-svc
    port: 80
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /api
  - matches:
    - headers:
      - name: Upgrade
        type: Exact
        value: websocket
    backendRefs:
    - name: web-svc
      port: 80`,
      want: {
        parentRefs: [
          {
            group: 'core',
            kind: 'Service',
            name: 'web-svc',
            namespace: 'emojivoto',
          },
        ],
        upgradeHeader: 'websocket',
      },
    },
    {
      name: 'EgressNetwork',
      parse: egressNetworkFacts,
      yaml: `${meta('EgressNetwork', 'all-egress-traffic')}
spec:
  trafficPolicy: Deny
  networks:
  - cidr: 0.0.0.0/0
    except: [10.0.0.0/8]`,
      want: {
        trafficPolicy: 'Deny',
        networks: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }],
      },
    },
  ];
  it.each(cases)('$name', ({ parse, yaml, want }) => {
    const facts = parse(object(yaml));
    expect(facts).toMatchObject(
      Object.fromEntries(
        Object.entries(want).filter(([, v]) => v !== undefined),
      ),
    );
    // An absent field must be absent, not present as undefined.
    const absent = Object.keys(want).filter(
      k => want[k as keyof typeof want] === undefined,
    );
    expect(absent.filter(k => k in facts)).toEqual([]);
  });

  it.each([
    [
      'Server without selector',
      linkerdServerFacts,
      `${meta('Server', 'x')}\nspec:\n  port: 80`,
      /neither podSelector/,
    ],
    [
      'Server without port',
      linkerdServerFacts,
      `${meta('Server', 'x')}\nspec:\n  podSelector: {}`,
      /port/,
    ],
    [
      'AuthorizationPolicy without targetRef',
      linkerdAuthorizationPolicyFacts,
      `${meta(
        'AuthorizationPolicy',
        'x',
      )}\nspec:\n  requiredAuthenticationRefs: []`,
      /targetRef/,
    ],
    [
      'MeshTLSAuthentication with nothing',
      meshTLSAuthenticationFacts,
      `${meta('MeshTLSAuthentication', 'x')}\nspec: {}`,
      /neither identities/,
    ],
    [
      'ServerAuthorization without server',
      serverAuthorizationFacts,
      `${meta(
        'ServerAuthorization',
        'x',
      )}\nspec:\n  client:\n    unauthenticated: true`,
      /server/,
    ],
    [
      'EgressNetwork without trafficPolicy',
      egressNetworkFacts,
      `${meta('EgressNetwork', 'x')}\nspec: {}`,
      /trafficPolicy/,
    ],
  ] as const)('refuses %s', (_name, parse, yaml, message) => {
    expect(() => parse(object(yaml))).toThrow(message);
  });
});
