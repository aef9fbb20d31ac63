import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject, MetricSeries } from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  metrics,
  namespace,
  service,
  snapshot,
} from '../../__testUtils__/fixtures';
import {
  fromPrincipals,
  istioAuthorizationPolicy,
  linkerdAuthorizationPolicy,
  linkerdServer,
  meshTLSAuthentication,
  networkAuthentication,
  waypoint,
} from '../../__testUtils__/security';
import { authorizationCheck } from './authorization';

const APP = { app: 'checkout' };
const POD0 = 'checkout-6b7f9c8d5-p0';
const WEB = 'cluster.local/ns/shop/sa/web';

const istioApp = () => [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
];

const ambientApp = (useWaypoint = false) => [
  namespace('shop', {
    labels: {
      'istio.io/dataplane-mode': 'ambient',
      ...(useWaypoint ? { 'istio.io/use-waypoint': 'waypoint' } : {}),
    },
  }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
  }),
  service('checkout', 'shop', APP),
  ...(useWaypoint ? [waypoint('waypoint', 'shop')] : []),
];

const linkerdApp = (nsAnnotations: Record<string, string> = {}) => [
  namespace('shop', {
    annotations: { 'linkerd.io/inject': 'enabled', ...nsAnnotations },
  }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    meshedPods: 1,
    proxy: linkerdProxy(),
  }),
];

/** linkerd-config as `linkerd install` writes it, with the install-wide default policy. */
const linkerdConfig = (defaultInboundPolicy: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'linkerd-config',
    namespace: 'linkerd',
    uid: 'a4d6c2a8-0c51-4b1e-9d0e-3f2b1c7e9a10',
    resourceVersion: '1200',
    creationTimestamp: '2026-01-10T08:00:00Z',
    labels: { 'linkerd.io/control-plane-component': 'controller' },
  },
  data: {
    values: [
      'linkerdVersion: edge-25.9.1',
      'proxy:',
      `  defaultInboundPolicy: ${defaultInboundPolicy}`,
    ].join('\n'),
  },
});

/** Declares container ports on the app container of every pod and pod template. */
function withPorts(
  objects: KubeObject[],
  ports: Array<Record<string, unknown>>,
): KubeObject[] {
  const addTo = (spec: unknown) => {
    const containers = (spec as { containers: Array<Record<string, unknown>> })
      .containers;
    return {
      ...(spec as object),
      containers: containers.map((c, i) => (i === 0 ? { ...c, ports } : c)),
    };
  };
  return objects.map(o => {
    if (o.kind === 'Pod') return { ...o, spec: addTo(o.spec) };
    if (o.kind !== 'Deployment') return o;
    const spec = o.spec as { template: { spec: unknown } };
    return {
      ...o,
      spec: {
        ...spec,
        template: { ...spec.template, spec: addTo(spec.template.spec) },
      },
    };
  });
}

const l7Rule = { to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] };

function evaluate(objects: KubeObject[], series: Partial<MetricSeries> = {}) {
  return authorizationCheck.evaluate(
    contextFor([
      snapshot('prod', objects, { metrics: metrics({}, '5m', series) }),
    ]),
  );
}

describe('security.authorization', () => {
  it('is the security.authorization check, reading Kubernetes only', () => {
    expect(authorizationCheck.definition.id).toBe('security.authorization');
    expect(authorizationCheck.definition.sources).toEqual(['kubernetes']);
  });

  it.each<{
    what: string;
    objects: KubeObject[];
    series?: Partial<MetricSeries>;
    status: CheckStatus;
    summary: string[];
    remediation?: string[];
  }>([
    {
      what: 'an enforced ALLOW names principals',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('checkout-allow', 'shop', {
          selector: APP,
          rules: [fromPrincipals(WEB)],
        }),
      ],
      status: 'pass',
      summary: ['enforced ALLOW policy shop/checkout-allow names who may call'],
    },
    {
      what: 'a namespace deny-all plus an identity ALLOW',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('deny-all', 'shop', {}),
        istioAuthorizationPolicy('checkout-allow', 'shop', {
          selector: APP,
          rules: [{ from: [{ source: { namespaces: ['web'] } }] }],
        }),
      ],
      status: 'pass',
      summary: ['shop/deny-all', 'shop/checkout-allow'],
    },
    {
      what: 'no policy selects the workload (KIA1301)',
      objects: istioApp(),
      series: {
        istioSourceRequests: [
          {
            source: 'shop/web',
            destinationWorkload: 'shop/checkout',
            protocol: 'http',
            code: '200',
            responseFlags: '-',
            rate: 3,
          },
        ],
      },
      status: 'fail',
      summary: ['no AuthorizationPolicy applies to shop/checkout (KIA1301)'],
      remediation: [
        'kind: AuthorizationPolicy',
        'app: checkout',
        '"cluster.local/ns/shop/sa/web"',
        'Callers seen in the last 5m: shop/web',
      ],
    },
    {
      what: 'only a dry-run policy, with shadow denials',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('checkout-allow', 'shop', {
          selector: APP,
          dryRun: true,
          rules: [fromPrincipals(WEB)],
        }),
      ],
      series: { istioShadowDenials: { shop: [{ pod: POD0, rate: 0.1 }] } },
      status: 'warn',
      summary: [
        'only dry-run/audit authorization (shop/checkout-allow); flip to enforce',
        '30 request(s) would have been denied in the last 5m',
      ],
      remediation: [
        'kubectl annotate authorizationpolicy checkout-allow -n shop istio.io/dry-run-',
      ],
    },
    {
      what: 'only an AUDIT policy, with no shadow-deny metrics',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('audit', 'shop', {
          selector: APP,
          action: 'AUDIT',
          rules: [{}],
        }),
      ],
      status: 'warn',
      summary: ['flip to enforce', 'no shadow-deny metrics'],
      remediation: ['is action AUDIT', 'kind: AuthorizationPolicy'],
    },
    {
      what: 'an allow-all rule (rules: [{}])',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('allow-all', 'shop', { rules: [{}] }),
      ],
      status: 'warn',
      summary: ['matches every request (rules: [{}])'],
    },
    {
      what: 'an ALLOW that names no caller',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('paths', 'shop', {
          selector: APP,
          rules: [l7Rule],
        }),
      ],
      status: 'warn',
      summary: ['names no caller'],
    },
    {
      what: 'only DENY policies',
      objects: [
        ...istioApp(),
        istioAuthorizationPolicy('deny-admin', 'shop', {
          selector: APP,
          action: 'DENY',
          rules: [{ to: [{ operation: { paths: ['/admin'] } }] }],
        }),
      ],
      status: 'warn',
      summary: ['DENY-only is not an allow-list'],
    },
    {
      what: 'ambient: an L7 rule bound by selector, no waypoint',
      objects: [
        ...ambientApp(),
        istioAuthorizationPolicy('checkout-l7', 'shop', {
          selector: APP,
          rules: [{ ...fromPrincipals(WEB), ...l7Rule }],
        }),
      ],
      status: 'fail',
      summary: [
        'has L7 rules (methods, paths) but the workload has no waypoint',
        'KIA0109/KIA0110',
      ],
      remediation: ['istioctl waypoint apply -n shop --enroll-namespace'],
    },
    {
      what: 'ambient: an L7 rule bound by selector, with a waypoint',
      objects: [
        ...ambientApp(true),
        istioAuthorizationPolicy('checkout-l7', 'shop', {
          selector: APP,
          rules: [{ ...fromPrincipals(WEB), ...l7Rule }],
        }),
      ],
      status: 'warn',
      summary: ['bound by selector, so ztunnel (L4 only) applies it'],
    },
    {
      what: 'ambient: an L7 rule bound to the Service with a waypoint',
      objects: [
        ...ambientApp(true),
        istioAuthorizationPolicy('checkout-l7', 'shop', {
          targetRefs: [{ kind: 'Service', name: 'checkout' }],
          rules: [{ ...fromPrincipals(WEB), ...l7Rule }],
        }),
      ],
      status: 'pass',
      summary: ['(Istio ambient)', 'shop/checkout-l7 names who may call'],
    },
    {
      what: 'ambient: an L4 policy by selector, no waypoint',
      objects: [
        ...ambientApp(),
        istioAuthorizationPolicy('checkout-l4', 'shop', {
          selector: APP,
          rules: [fromPrincipals(WEB)],
        }),
      ],
      status: 'pass',
      summary: ['shop/checkout-l4 names who may call'],
    },
    {
      what: 'ambient: only a Service-bound policy and no waypoint to enforce it',
      objects: [
        ...ambientApp(),
        istioAuthorizationPolicy('checkout-l7', 'shop', {
          targetRefs: [{ kind: 'Service', name: 'checkout' }],
          rules: [fromPrincipals(WEB)],
        }),
      ],
      status: 'fail',
      summary: ['KIA1301', 'not enforced without a waypoint'],
    },
    {
      what: 'Linkerd: a Server with a MeshTLSAuthentication policy',
      objects: [
        ...linkerdApp(),
        linkerdServer('checkout-http', 'shop', APP, 8080),
        meshTLSAuthentication('web', 'shop', [
          'web.shop.serviceaccount.identity.linkerd.cluster.local',
        ]),
        linkerdAuthorizationPolicy('checkout-web', 'shop', 'checkout-http', [
          { kind: 'MeshTLSAuthentication', name: 'web' },
        ]),
      ],
      status: 'pass',
      summary: [
        '(Linkerd)',
        'shop/checkout-web authorize named mesh identities',
      ],
    },
    {
      what: 'Linkerd: namespace default audit, with denials',
      objects: [
        ...linkerdApp({ 'config.linkerd.io/default-inbound-policy': 'audit' }),
      ],
      series: {
        linkerdAuthzDenials: {
          'shop/checkout': [{ protocol: 'http', rate: 0.2 }],
        },
      },
      status: 'warn',
      summary: [
        'default inbound policy audit (namespace)',
        'flip to enforce',
        '60 request(s) would have been denied',
      ],
      remediation: [
        'kubectl annotate namespace shop config.linkerd.io/default-inbound-policy=all-authenticated --overwrite',
        'kind: MeshTLSAuthentication',
      ],
    },
    {
      what: 'Linkerd: a network-only policy',
      objects: [
        ...linkerdApp(),
        linkerdServer('checkout-http', 'shop', APP, 8080),
        networkAuthentication('anywhere', 'shop'),
        linkerdAuthorizationPolicy('checkout-any', 'shop', 'checkout-http', [
          { kind: 'NetworkAuthentication', name: 'anywhere' },
        ]),
      ],
      status: 'warn',
      summary: ['shop/checkout-any authorize any client'],
    },
    {
      // Nobody chose anything for this workload: the same gap as Istio's KIA1301.
      what: "Linkerd: no policy selects it under Linkerd's built-in default",
      objects: linkerdApp(),
      status: 'fail',
      summary: [
        'no policy selects shop/checkout',
        'no AuthorizationPolicy or ServerAuthorization applies',
        "all-unauthenticated (default) allows any client, even plaintext (Linkerd's install default)",
      ],
      remediation: [
        'kind: Server',
        'accessPolicy: audit',
        'kind: AuthorizationPolicy',
      ],
    },
    ...(
      [
        'all-unauthenticated',
        'all-authenticated',
        'cluster-unauthenticated',
        'cluster-authenticated',
      ] as const
    ).map(policy => ({
      what: `Linkerd: no policy selects it, install-wide default ${policy}`,
      objects: [...linkerdApp(), linkerdConfig(policy)],
      status: 'fail' as CheckStatus,
      summary: [
        'no policy selects shop/checkout',
        `default inbound policy ${policy} (cluster) allows`,
        '(install-wide, linkerd-config)',
      ],
      remediation: ['kind: Server', 'kind: MeshTLSAuthentication'],
    })),
    {
      what: 'Linkerd: all-unauthenticated chosen on the namespace, no Server',
      objects: linkerdApp({
        'config.linkerd.io/default-inbound-policy': 'all-unauthenticated',
      }),
      status: 'warn',
      summary: [
        'default inbound policy all-unauthenticated (namespace, chosen explicitly) allows any client, even plaintext',
      ],
      remediation: ['kind: Server', 'accessPolicy: audit'],
    },
    {
      // Stricter than an explicit all-unauthenticated, so never judged worse.
      what: 'Linkerd: all-authenticated chosen on the workload, no Server',
      objects: [
        namespace('shop', {
          annotations: { 'linkerd.io/inject': 'enabled' },
        }),
        ...deploymentWithPods('checkout', 'shop', {
          pods: 1,
          meshedPods: 1,
          proxy: linkerdProxy(),
          podAnnotations: {
            'config.linkerd.io/default-inbound-policy': 'all-authenticated',
          },
        }),
      ],
      status: 'warn',
      summary: [
        'all-authenticated (workload, chosen explicitly) allows any meshed client',
      ],
    },
    {
      what: 'Linkerd: a Server that lets everyone in, nothing authorizing',
      objects: [
        ...linkerdApp(),
        linkerdServer(
          'checkout-http',
          'shop',
          APP,
          8080,
          'all-unauthenticated',
        ),
      ],
      status: 'warn',
      summary: [
        'Server shop/checkout-http (accessPolicy all-unauthenticated) lets in any client, even plaintext',
      ],
    },
    {
      what: 'Linkerd: identity policy on one port, another port left to the default',
      objects: withPorts(
        [
          ...linkerdApp(),
          linkerdServer('checkout-http', 'shop', APP, 'http'),
          meshTLSAuthentication('web', 'shop', [
            'web.shop.serviceaccount.identity.linkerd.cluster.local',
          ]),
          linkerdAuthorizationPolicy('checkout-web', 'shop', 'checkout-http', [
            { kind: 'MeshTLSAuthentication', name: 'web' },
          ]),
        ],
        [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
        ],
      ),
      status: 'pass',
      summary: [
        'authorize named mesh identities',
        'port(s) metrics/9090 have no Server, so the default inbound policy all-unauthenticated applies there',
      ],
    },
    {
      what: 'Linkerd: default deny with no Server',
      objects: linkerdApp({
        'config.linkerd.io/default-inbound-policy': 'deny',
      }),
      status: 'pass',
      summary: ['default inbound policy deny (namespace)'],
    },
  ])(
    '$status when $what',
    ({ objects, series, status, summary, remediation }) => {
      const outcome = evaluate(objects, series);
      expect(outcome.status).toBe(status);
      for (const s of summary) expect(outcome.summary).toContain(s);
      expect(Boolean(outcome.remediation)).toBe(status !== 'pass');
      for (const r of remediation ?? [])
        expect(outcome.remediation).toContain(r);
    },
  );

  it('lists the policies it looked at, with their scope', () => {
    const outcome = evaluate([
      ...istioApp(),
      istioAuthorizationPolicy('checkout-allow', 'shop', {
        selector: APP,
        rules: [fromPrincipals(WEB)],
      }),
    ]);
    expect(outcome.evidence.workloads).toEqual([
      expect.objectContaining({
        workload: 'prod/shop/deployment/checkout',
        policies: [
          expect.objectContaining({
            kind: 'AuthorizationPolicy',
            group: 'security.istio.io',
            namespace: 'shop',
            name: 'checkout-allow',
            scope: 'workload',
            action: 'ALLOW',
            dryRun: false,
          }),
        ],
      }),
    ]);
  });

  it('is not-applicable for an entity that is not in the mesh', () => {
    const outcome = evaluate([
      namespace('shop'),
      ...deploymentWithPods('checkout', 'shop', { pods: 1 }),
    ]);
    expect(outcome.status).toBe('not-applicable');
  });

  it('is unknown when AuthorizationPolicies could not be listed', () => {
    const ctx = contextFor([snapshot('prod', istioApp())]);
    ctx.snapshots[0].kubernetes.data!.unavailable.push({
      kind: 'AuthorizationPolicy',
      group: 'security.istio.io',
      resource: 'authorizationpolicies.security.istio.io',
      reason: 'forbidden',
      message: 'forbidden by RBAC',
    });
    const outcome = authorizationCheck.evaluate(ctx);
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain(
      'could not list authorizationpolicies.security.istio.io',
    );
  });
});
