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
import { peerAuthentication } from '../../__testUtils__/security';
import { CheckRegistry } from '../registry';
import { mtlsCheck } from './mtls';

const KEY = 'shop/checkout';
const APP = { app: 'checkout' };

const istioApp = (podAnnotations?: Record<string, string>) => [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 2,
    meshedPods: 2,
    podAnnotations,
  }),
];

const ambientApp = () => [
  namespace('shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
  }),
];

const linkerdApp = (podAnnotations?: Record<string, string>) => [
  namespace('shop', { annotations: { 'linkerd.io/inject': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    meshedPods: 1,
    proxy: linkerdProxy(),
    podAnnotations,
  }),
];

const meshStrict = peerAuthentication('default', 'istio-system', 'STRICT');

/** Inbound requests as the sidecar reported them: `[security, rate]` pairs. */
function istioRequests(...rows: Array<[string, number]>) {
  return {
    [KEY]: rows.map(([security, rate]) => ({
      reporter: 'destination' as const,
      protocol: 'http' as const,
      code: '200',
      security,
      rate,
    })),
  };
}

function evaluate(objects: KubeObject[], series: Partial<MetricSeries> = {}) {
  return mtlsCheck.evaluate(
    contextFor([
      snapshot('prod', objects, { metrics: metrics({}, '5m', series) }),
    ]),
  );
}

describe('security.mtls', () => {
  it('is the security.mtls check, reading Kubernetes and Prometheus', () => {
    expect(mtlsCheck.definition.id).toBe('security.mtls');
    expect(mtlsCheck.definition.sources).toEqual(['kubernetes', 'prometheus']);
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
      what: 'mesh-wide STRICT with all traffic over mTLS',
      objects: [...istioApp(), meshStrict],
      series: { istioRequests: istioRequests(['mutual_tls', 10]) },
      status: 'pass',
      summary: [
        'mTLS mode STRICT from PeerAuthentication istio-system/default (mesh level)',
        '100% of inbound requests (10/s, destination) over mTLS',
      ],
    },
    {
      what: 'STRICT with no traffic in the window',
      objects: [...istioApp(), meshStrict],
      status: 'pass',
      summary: ['observed share unknown: no inbound traffic in the 5m window'],
    },
    {
      what: "Istio's default PERMISSIVE (no PeerAuthentication)",
      objects: istioApp(),
      status: 'warn',
      summary: [
        "mTLS mode PERMISSIVE from Istio's default (no PeerAuthentication applies)",
      ],
      remediation: [
        'kind: PeerAuthentication',
        'name: checkout-strict',
        'mode: STRICT',
      ],
    },
    {
      what: 'a namespace-level DISABLE',
      objects: [
        ...istioApp(),
        meshStrict,
        peerAuthentication('plain', 'shop', 'DISABLE'),
      ],
      status: 'fail',
      summary: [
        'mTLS mode DISABLE from PeerAuthentication shop/plain (namespace level)',
      ],
      remediation: ['namespace: shop', 'app: checkout'],
    },
    {
      what: 'a workload policy STRICT with a PERMISSIVE port',
      objects: [
        ...istioApp(),
        peerAuthentication('checkout', 'shop', 'STRICT', {
          selector: APP,
          ports: { 9090: 'PERMISSIVE' },
        }),
      ],
      status: 'warn',
      summary: ['port-level override 9090=PERMISSIVE'],
      remediation: ['name: checkout', 'no portLevelMtls'],
    },
    {
      what: 'a workload policy with a DISABLE port',
      objects: [
        ...istioApp(),
        meshStrict,
        peerAuthentication('checkout', 'shop', 'UNSET', {
          selector: APP,
          ports: { 8080: 'DISABLE' },
        }),
      ],
      status: 'fail',
      summary: ['port-level override 8080=DISABLE'],
    },
    {
      what: 'inbound ports excluded from the sidecar',
      objects: [
        ...istioApp({ 'traffic.sidecar.istio.io/excludeInboundPorts': '9000' }),
        meshStrict,
      ],
      status: 'warn',
      summary: ['inbound port 9000 bypass the sidecar'],
    },
    {
      what: 'STRICT, but 2% of requests are plaintext',
      objects: [...istioApp(), meshStrict],
      series: {
        istioRequests: istioRequests(['mutual_tls', 98], ['none', 2]),
        istioPlaintextInbound: {
          [KEY]: [
            {
              source: 'legacy/batch',
              reporter: 'destination',
              unit: 'requests',
              security: 'none',
              rate: 2,
            },
          ],
        },
      },
      status: 'warn',
      summary: ['98% of inbound requests', 'plaintext from legacy/batch 2/s'],
      remediation: ['Mesh these plaintext callers first', 'legacy/batch'],
    },
    {
      what: 'PERMISSIVE with 20% plaintext from an unknown client',
      objects: [
        ...istioApp(),
        peerAuthentication('default', 'shop', 'PERMISSIVE'),
      ],
      series: {
        istioRequests: istioRequests(['mutual_tls', 8], ['none', 2]),
        istioPlaintextInbound: {
          [KEY]: [
            {
              reporter: 'destination',
              unit: 'requests',
              security: 'none',
              rate: 2,
            },
          ],
        },
      },
      status: 'fail',
      summary: [
        '80% of inbound requests',
        'plaintext from unknown (no peer metadata',
      ],
    },
    {
      what: 'plaintext callers that no per-caller series names',
      objects: [...istioApp(), meshStrict],
      series: {
        istioRequests: istioRequests(['mutual_tls', 99.5], ['none', 0.5]),
      },
      status: 'warn',
      summary: ['99.5% of inbound requests'],
    },
    {
      what: 'ambient under STRICT with ztunnel connections all mTLS',
      objects: [...ambientApp(), meshStrict],
      series: {
        istioTcp: {
          [KEY]: [
            {
              security: 'mutual_tls',
              connectionsPerSecond: 4,
              receivedBytesPerSecond: 100,
            },
          ],
        },
      },
      status: 'pass',
      summary: [
        '(Istio ambient)',
        '100% of inbound connections (4/s, ztunnel)',
      ],
    },
    {
      what: 'ambient with plaintext connections (ztunnel reports them as unknown)',
      objects: [
        ...ambientApp(),
        peerAuthentication('default', 'shop', 'PERMISSIVE'),
      ],
      series: {
        istioTcp: {
          [KEY]: [
            {
              security: 'mutual_tls',
              connectionsPerSecond: 1,
              receivedBytesPerSecond: 100,
            },
            {
              security: 'unknown',
              connectionsPerSecond: 1,
              receivedBytesPerSecond: 100,
            },
          ],
        },
      },
      status: 'fail',
      summary: ['50% of inbound connections'],
    },
    {
      what: 'Linkerd with an authenticated default and all inbound TLS or loopback',
      objects: linkerdApp({
        'config.linkerd.io/default-inbound-policy': 'all-authenticated',
      }),
      series: {
        linkerdResponses: {
          [KEY]: [
            {
              reporter: 'inbound',
              protocol: 'http',
              code: '200',
              security: 'true',
              rate: 9,
            },
            {
              reporter: 'inbound',
              protocol: 'http',
              code: '200',
              security: 'loopback',
              rate: 1,
            },
          ],
        },
      },
      status: 'pass',
      summary: [
        'proxy identity on',
        'all-authenticated (workload)',
        '100% of inbound requests',
      ],
    },
    {
      what: "Linkerd's all-unauthenticated default",
      objects: linkerdApp(),
      status: 'warn',
      summary: [
        'default inbound policy all-unauthenticated (default) still accepts plaintext',
      ],
      remediation: [
        'config.linkerd.io/default-inbound-policy=all-authenticated',
      ],
    },
    {
      what: 'Linkerd with plaintext inbound requests',
      objects: linkerdApp({
        'config.linkerd.io/default-inbound-policy': 'all-authenticated',
      }),
      series: {
        linkerdResponses: {
          [KEY]: [
            {
              reporter: 'inbound',
              protocol: 'http',
              code: '200',
              security: 'true',
              rate: 9,
            },
            {
              reporter: 'inbound',
              protocol: 'http',
              code: '200',
              security: 'no_tls_from_remote',
              rate: 1,
            },
          ],
        },
      },
      status: 'fail',
      summary: [
        '90% of inbound requests',
        'unidentified clients (no_tls_reason=no_tls_from_remote)',
      ],
      remediation: ['linkerd viz tap deployment/checkout -n shop'],
    },
    {
      what: 'Linkerd with proxy identity disabled',
      objects: linkerdApp({ 'config.linkerd.io/disable-identity': 'true' }),
      status: 'fail',
      summary: ['proxy identity is disabled'],
      remediation: ['kubectl rollout restart deployment/checkout -n shop'],
    },
  ])(
    '$status when $what',
    ({ objects, series, status, summary, remediation }) => {
      const outcome = evaluate(objects, series);
      expect(outcome.status).toBe(status);
      for (const s of summary) expect(outcome.summary).toContain(s);
      expect(outcome.summary).not.toContain('\n');
      expect(Boolean(outcome.remediation)).toBe(status !== 'pass');
      for (const r of remediation ?? [])
        expect(outcome.remediation).toContain(r);
    },
  );

  it('names each workload in the evidence, with the mode chain and the observed share', () => {
    const outcome = evaluate([...istioApp(), meshStrict], {
      istioRequests: istioRequests(['mutual_tls', 10]),
    });
    expect(outcome.evidence.workloads).toEqual([
      expect.objectContaining({
        workload: 'prod/shop/deployment/checkout',
        dataPlane: 'Istio sidecar',
        mode: 'STRICT',
        level: 'mesh',
        decidedBy: expect.objectContaining({
          namespace: 'istio-system',
          name: 'default',
        }),
        observed: expect.objectContaining({
          status: 'pass',
          units: [
            expect.objectContaining({ unit: 'requests', share: 1, total: 10 }),
          ],
        }),
      }),
    ]);
  });

  it('is not-applicable for an entity that is not in the mesh', () => {
    const outcome = evaluate([
      namespace('shop'),
      ...deploymentWithPods('checkout', 'shop', { pods: 1 }),
    ]);
    expect(outcome.status).toBe('not-applicable');
    expect(outcome.summary).toContain('Not in the mesh');
  });

  it('is unknown when PeerAuthentications could not be listed', () => {
    const ctx = contextFor([
      snapshot('prod', [...istioApp(), meshStrict], {
        kubernetes: {},
      }),
    ]);
    ctx.snapshots[0].kubernetes.data!.unavailable.push({
      kind: 'PeerAuthentication',
      group: 'security.istio.io',
      resource: 'peerauthentications.security.istio.io',
      reason: 'forbidden',
      message: 'forbidden by RBAC',
    });
    const outcome = mtlsCheck.evaluate(ctx);
    expect(outcome.status).toBe('unknown');
    expect(outcome.summary).toContain(
      'could not list peerauthentications.security.istio.io: forbidden by RBAC',
    );
  });

  it('the worst workload wins across clusters', () => {
    const outcome = mtlsCheck.evaluate(
      contextFor([
        snapshot('eu', [...istioApp(), meshStrict]),
        snapshot('us', istioApp()),
      ]),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('us/shop/deployment/checkout');
    expect(outcome.summary).toContain('(1 more workload(s) in the evidence)');
    expect(outcome.evidence.workloads).toHaveLength(2);
  });

  it('is unknown through the registry when Prometheus is not configured', () => {
    const [result] = new CheckRegistry()
      .run(
        contextFor([
          snapshot('prod', [...istioApp(), meshStrict], {
            prometheus: { configured: false, ok: false, data: undefined },
          }),
        ]),
      )
      .filter(r => r.id === 'security.mtls');
    expect(result.status).toBe('unknown');
  });
});
