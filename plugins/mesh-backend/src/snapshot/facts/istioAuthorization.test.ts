import {
  ServiceFacts,
  WaypointUseFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { object, objects } from './__testUtils__/objects';
import {
  istioAuthorizationPolicyFacts,
  resolveAuthorizationPolicies,
} from './istioAuthorization';

const ap = (
  namespace: string,
  name: string,
  spec: string,
  annotations = '',
) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
  creationTimestamp: "2025-02-01T10:00:00Z"
  generation: 1
  resourceVersion: "99102"
  uid: 7d2a41b0-5b9e-4d8f-a8a6-1c7a3e4f5b60
${annotations}
spec:
${spec}
---`;

const ref = (namespace: string, name: string) => ({
  kind: 'AuthorizationPolicy',
  group: 'security.istio.io',
  namespace,
  name,
});

describe('istioAuthorizationPolicyFacts', () => {
  it('summarises the checklist example (ALLOW from one principal)', () => {
    const facts = istioAuthorizationPolicyFacts(
      object(
        ap(
          'production',
          'api-only-from-web',
          `  selector:
    matchLabels:
      app: api
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/production/sa/web"]
    - source:
        namespaces: ["ops"]
    to:
    - operation:
        methods: ["GET", "POST"]
        paths: ["/api/*"]
        ports: ["8080"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.example.com"]`,
        ),
      ),
    );
    expect(facts).toEqual({
      ref: ref('production', 'api-only-from-web'),
      action: 'ALLOW',
      dryRun: false,
      selector: { app: 'api' },
      targetRefs: [],
      denyAll: false,
      rules: [
        {
          principals: ['cluster.local/ns/production/sa/web'],
          notPrincipals: [],
          requestPrincipals: [],
          namespaces: ['ops'],
          notNamespaces: [],
          ipBlocks: [],
          methods: ['GET', 'POST'],
          notMethods: [],
          paths: ['/api/*'],
          notPaths: [],
          ports: ['8080'],
          hosts: [],
          conditions: 1,
          conditionKeys: ['request.auth.claims[iss]'],
          matchesAnyRequest: false,
        },
      ],
    });
  });

  const cases = [
    {
      name: 'empty spec: ALLOW with no rules denies everything',
      spec: '  {}',
      want: { action: 'ALLOW', denyAll: true, rules: [] },
    },
    {
      name: 'ALLOW with an empty rule allows everything',
      spec: '  rules:\n  - {}',
      want: {
        action: 'ALLOW',
        denyAll: false,
        rules: [expect.objectContaining({ matchesAnyRequest: true })],
      },
    },
    {
      name: 'DENY with no rules denies nothing',
      spec: '  action: DENY',
      want: { action: 'DENY', denyAll: false },
    },
    {
      name: 'CUSTOM names its ext-authz provider',
      spec: '  action: CUSTOM\n  provider:\n    name: opa-ext-authz\n  rules:\n  - to:\n    - operation:\n        paths: ["/admin/*"]',
      want: { action: 'CUSTOM', provider: 'opa-ext-authz' },
    },
    {
      name: 'AUDIT',
      spec: '  action: AUDIT\n  rules:\n  - to:\n    - operation:\n        methods: ["DELETE"]',
      want: { action: 'AUDIT' },
    },
    {
      name: 'dry-run annotation',
      spec: '  action: DENY\n  rules:\n  - from:\n    - source:\n        notNamespaces: ["shop"]',
      annotations: '  annotations:\n    istio.io/dry-run: "true"',
      want: { dryRun: true },
    },
    {
      name: 'targetRef and targetRefs (waypoint binding)',
      spec: `  targetRef:
    kind: Service
    group: ""
    name: cart
  targetRefs:
  - kind: Gateway
    group: gateway.networking.k8s.io
    name: waypoint`,
      want: {
        targetRefs: [
          { group: '', kind: 'Service', name: 'cart', namespace: 'shop' },
          {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'waypoint',
            namespace: 'shop',
          },
        ],
      },
    },
  ];
  it.each(cases)('$name', ({ spec, annotations, want }) => {
    expect(
      istioAuthorizationPolicyFacts(object(ap('shop', 'p', spec, annotations))),
    ).toMatchObject(want);
  });

  it.each([
    ['  action: REJECT', /action 'REJECT'/],
    ['  targetRef:\n    group: ""', /targetRef/],
  ])('refuses %j', (spec, message) => {
    expect(() =>
      istioAuthorizationPolicyFacts(object(ap('shop', 'p', spec))),
    ).toThrow(message);
  });
});

describe('resolveAuthorizationPolicies', () => {
  const policies = objects(
    ap('istio-system', 'mesh-deny-all', '  {}') +
      ap(
        'istio-system',
        'mesh-cart',
        '  selector:\n    matchLabels:\n      app: cart\n  action: AUDIT',
      ) +
      ap(
        'shop',
        'ns-wide',
        '  action: DENY\n  rules:\n  - from:\n    - source:\n        notNamespaces: ["shop"]',
      ) +
      ap(
        'shop',
        'cart-allow',
        '  selector:\n    matchLabels:\n      app: cart\n  rules:\n  - {}',
      ) +
      ap(
        'shop',
        'web-allow',
        '  selector:\n    matchLabels:\n      app: web\n  rules:\n  - {}',
      ) +
      ap('billing', 'other-ns', '  {}') +
      ap(
        'shop',
        'via-service',
        '  targetRefs:\n  - kind: Service\n    group: ""\n    name: cart',
      ) +
      ap(
        'shop',
        'other-service',
        '  targetRefs:\n  - kind: Service\n    group: ""\n    name: web',
      ) +
      ap(
        'shop',
        'via-waypoint',
        '  targetRefs:\n  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: waypoint',
      ) +
      ap(
        'shop',
        'selector-ignored-with-target',
        '  selector:\n    matchLabels:\n      app: cart\n  targetRefs:\n  - kind: Service\n    group: ""\n    name: web',
      ),
  ).map(istioAuthorizationPolicyFacts);
  const cartService: ServiceFacts = {
    namespace: 'shop',
    name: 'cart',
    selector: { app: 'cart' },
    ports: [],
    type: 'ClusterIP',
    labels: {},
  };
  const waypoint: WaypointUseFacts = {
    gateway: { kind: 'Gateway', namespace: 'shop', name: 'waypoint' },
    via: 'namespace',
    gatewayFound: true,
  };

  it('applies mesh, namespace, selector, Service and waypoint policies, nothing else', () => {
    const applied = resolveAuthorizationPolicies(
      policies,
      'shop',
      [{ app: 'cart' }],
      'istio-system',
      [cartService],
      [waypoint],
    );
    expect(applied.map(a => [a.policy.ref.name, a.scope])).toEqual([
      ['mesh-deny-all', 'mesh'],
      ['mesh-cart', 'mesh-selector'],
      ['ns-wide', 'namespace'],
      ['cart-allow', 'workload'],
      ['via-service', 'service'],
      ['via-waypoint', 'waypoint'],
    ]);
  });

  it('without waypoint or services, only selector and namespace scopes apply', () => {
    const applied = resolveAuthorizationPolicies(
      policies,
      'shop',
      [{ app: 'web' }],
      'istio-system',
      [],
      [],
    );
    expect(applied.map(a => a.policy.ref.name)).toEqual([
      'mesh-deny-all',
      'ns-wide',
      'web-allow',
    ]);
    expect(applied[0].policy.ref).toEqual(ref('istio-system', 'mesh-deny-all'));
  });
});
