import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject, MetricSeries } from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
} from '../../__testUtils__/fixtures';
import {
  egressNetwork,
  istioMeshConfig,
  sidecarResource,
} from '../../__testUtils__/security';
import { egressCheck } from './egress';

const istioApp = () => [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
];

const ambientApp = () => [
  namespace('shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
  }),
];

const linkerdApp = () => [
  namespace('shop', { annotations: { 'linkerd.io/inject': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    meshedPods: 1,
    proxy: linkerdProxy(),
  }),
];

const registryOnly = istioMeshConfig({
  outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
});

const passthrough: Partial<MetricSeries> = {
  istioEgressPassthrough: {
    'shop/checkout': [
      {
        cluster: 'PassthroughCluster',
        host: 'api.stripe.com',
        unit: 'connections',
        rate: 0.5,
      },
    ],
  },
};

function evaluate(objects: KubeObject[], series: Partial<MetricSeries> = {}) {
  return egressCheck.evaluate(
    contextFor([
      snapshot('prod', objects, { metrics: metrics({}, '5m', series) }),
    ]),
  );
}

describe('security.egress', () => {
  it('is the security.egress check, reading Kubernetes only', () => {
    expect(egressCheck.definition.id).toBe('security.egress');
    expect(egressCheck.definition.sources).toEqual(['kubernetes']);
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
      what: 'the mesh config sets REGISTRY_ONLY',
      objects: [...istioApp(), registryOnly],
      status: 'pass',
      summary: [
        'REGISTRY_ONLY from ConfigMap istio-system/istio (mesh)',
        'no PassthroughCluster traffic in the 5m window',
      ],
    },
    {
      what: 'a Sidecar in scope sets REGISTRY_ONLY',
      objects: [
        ...istioApp(),
        sidecarResource('default', 'shop', {
          outboundTrafficPolicy: 'REGISTRY_ONLY',
        }),
      ],
      status: 'pass',
      summary: ['REGISTRY_ONLY from Sidecar shop/default (sidecar)'],
    },
    {
      what: "Istio's default ALLOW_ANY, with passthrough traffic",
      objects: istioApp(),
      series: passthrough,
      status: 'fail',
      summary: [
        "egress is default-open, outbound traffic policy ALLOW_ANY from Istio's default",
        '0.5/s to unregistered hosts via PassthroughCluster (api.stripe.com)',
      ],
      remediation: [
        'mode: REGISTRY_ONLY',
        'kind: Sidecar',
        'namespace: shop',
        'hosts: ["api.stripe.com"]',
      ],
    },
    {
      what: 'a Sidecar that reopens egress under a REGISTRY_ONLY mesh',
      objects: [
        ...istioApp(),
        registryOnly,
        sidecarResource('default', 'shop', {
          outboundTrafficPolicy: 'ALLOW_ANY',
        }),
      ],
      status: 'fail',
      summary: ['ALLOW_ANY from Sidecar shop/default (sidecar)'],
    },
    {
      what: 'ambient under a REGISTRY_ONLY mesh (a Sidecar does not apply)',
      objects: [
        ...ambientApp(),
        registryOnly,
        sidecarResource('default', 'shop', {
          outboundTrafficPolicy: 'ALLOW_ANY',
        }),
      ],
      status: 'pass',
      summary: [
        '(Istio ambient)',
        'REGISTRY_ONLY from ConfigMap istio-system/istio (mesh)',
      ],
    },
    {
      what: 'ambient on the default',
      objects: ambientApp(),
      status: 'fail',
      summary: ['(Istio ambient)', 'ALLOW_ANY'],
    },
    {
      what: 'Linkerd with a Deny EgressNetwork in the namespace',
      objects: [...linkerdApp(), egressNetwork('egress', 'shop', 'Deny')],
      status: 'pass',
      summary: ['EgressNetwork shop/egress denies egress'],
    },
    {
      what: 'Linkerd with a global Deny EgressNetwork',
      objects: [
        ...linkerdApp(),
        egressNetwork('all', 'linkerd-egress', 'Deny'),
      ],
      status: 'pass',
      summary: ['EgressNetwork linkerd-egress/all'],
    },
    {
      what: 'Linkerd with only an Allow EgressNetwork',
      objects: [...linkerdApp(), egressNetwork('egress', 'shop', 'Allow')],
      status: 'fail',
      summary: ['EgressNetwork shop/egress has trafficPolicy: Allow'],
      remediation: ['kind: EgressNetwork', 'trafficPolicy: Deny'],
    },
    {
      what: 'Linkerd with no EgressNetwork',
      objects: linkerdApp(),
      status: 'fail',
      summary: ['no EgressNetwork in shop or the global egress namespace'],
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

  it('keeps passthrough traffic as evidence only', () => {
    const outcome = evaluate([...istioApp(), registryOnly], passthrough);
    expect(outcome.status).toBe('pass');
    expect(outcome.evidence.workloads).toEqual([
      expect.objectContaining({
        mode: 'REGISTRY_ONLY',
        level: 'mesh',
        passthrough: [
          expect.objectContaining({ host: 'api.stripe.com', rate: 0.5 }),
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

  it('is unknown when Sidecars could not be listed', () => {
    const ctx = contextFor([snapshot('prod', istioApp())]);
    ctx.snapshots[0].kubernetes.data!.unavailable.push({
      kind: 'Sidecar',
      group: 'networking.istio.io',
      resource: 'sidecars.networking.istio.io',
      reason: 'forbidden',
      message: 'forbidden by RBAC',
    });
    const outcome = egressCheck.evaluate(ctx);
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain(
      'could not list sidecars.networking.istio.io',
    );
  });
});
