import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject, MetricsData } from '@mesh-readiness/plugin-mesh-node';
import {
  buckets,
  contextFor,
  metrics,
  snapshot,
  traffic,
} from '../../__testUtils__/fixtures';
import {
  checkoutApp,
  run,
  serviceObject,
  virtualServiceObject,
} from '../../__testUtils__/workloadChecks';
import { protocolsCheck } from './protocols';

const SEL = { app: 'checkout' };
const svc = (
  ports: Array<Record<string, unknown>>,
  annotations?: Record<string, string>,
) => serviceObject('checkout', 'shop', SEL, ports, annotations);
const HTTP = { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' };

/** A Gateway API HTTPRoute on Service `parent` whose second rule matches `Upgrade: websocket`. */
const upgradeRoute = (name: string, parent: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: {
    name,
    namespace: 'shop',
    uid: `uid-${name}`,
    resourceVersion: '4711',
    creationTimestamp: '2026-02-20T12:00:00Z',
  },
  spec: {
    parentRefs: [{ group: 'core', kind: 'Service', name: parent, port: 80 }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [{ name: parent, port: 80 }],
      },
      {
        matches: [
          { headers: [{ name: 'Upgrade', type: 'Exact', value: 'websocket' }] },
        ],
        backendRefs: [{ name: parent, port: 80 }],
      },
    ],
  },
});

const streams: MetricsData = metrics({
  'shop/checkout': traffic({
    latencyBuckets: buckets([100, 8], [60000, 9], [600000, 10], [Infinity, 10]),
  }),
});

// Half a percent past a minute: requests hanging until a timeout, not streams.
const rareSlow: MetricsData = metrics({
  'shop/checkout': traffic({
    latencyBuckets: buckets([100, 990], [60000, 995], [Infinity, 1000]),
  }),
});

describe('workload.protocols', () => {
  it.each<{
    what: string;
    objects: KubeObject[];
    data?: MetricsData;
    status: CheckStatus;
    summary: string;
    remediation?: string;
  }>([
    {
      what: 'Istio: every port named, short requests',
      objects: [
        ...checkoutApp('istio'),
        svc([HTTP, { name: 'tcp-db', port: 5432, protocol: 'TCP' }]),
      ],
      status: 'pass',
      summary: 'declares its protocol',
    },
    {
      what: 'Istio: MySQL port with no protocol name',
      objects: [
        ...checkoutApp('istio'),
        svc([{ name: 'db', port: 3306, protocol: 'TCP' }]),
      ],
      status: 'fail',
      summary: 'carries MySQL (the server speaks first)',
      remediation: '"path":"/spec/ports/0/appProtocol","value":"tcp"',
    },
    {
      what: 'Istio: MySQL port declared mysql-',
      objects: [
        ...checkoutApp('istio'),
        svc([{ name: 'mysql-main', port: 3306, protocol: 'TCP' }]),
      ],
      status: 'pass',
      summary: 'declares its protocol',
    },
    {
      // Linkerd's default opaque list means nothing to Istio: the port is undeclared.
      what: 'Istio: Redis undeclared, targetPort by name: IST0118, TCP suggested',
      objects: [
        ...checkoutApp('istio'),
        svc([
          { name: 'cache', port: 6379, targetPort: 'redis', protocol: 'TCP' },
        ]),
      ],
      status: 'warn',
      summary:
        "port name 'cache' has no protocol prefix and no appProtocol (IST0118)",
      remediation: '(tcp suggested)',
    },
    {
      what: 'Istio: port named without a protocol prefix (IST0118)',
      objects: [
        ...checkoutApp('istio'),
        svc([{ name: 'web', port: 80, targetPort: 8080, protocol: 'TCP' }]),
      ],
      status: 'warn',
      summary: 'IST0118',
      remediation: '"value":"http"',
    },
    {
      what: 'Istio: websocket port',
      objects: [
        ...checkoutApp('istio'),
        svc([
          {
            name: 'live',
            port: 80,
            protocol: 'TCP',
            appProtocol: 'kubernetes.io/ws',
          },
        ]),
      ],
      status: 'warn',
      summary: 'carries websockets',
    },
    {
      what: 'Istio: requests lasting minutes (streams)',
      objects: [...checkoutApp('istio'), svc([HTTP])],
      data: streams,
      status: 'warn',
      summary:
        '10.0% of inbound requests to prod/shop/deployment/checkout last over 60 s',
      remediation: 'timeout: 0s',
    },
    {
      what: 'Istio: a VirtualService route for websocket upgrades',
      objects: [
        ...checkoutApp('istio'),
        svc([HTTP]),
        virtualServiceObject('checkout', 'shop', 'checkout', [
          {
            name: 'live',
            match: [{ headers: { upgrade: { exact: 'websocket' } } }],
            route: [{ destination: { host: 'checkout' } }],
          },
          { route: [{ destination: { host: 'checkout' } }] },
        ]),
      ],
      status: 'warn',
      summary:
        'VirtualService shop/checkout route live matches header Upgrade: websocket for checkout.shop.svc.cluster.local',
      remediation: 'istio_tcp_connections_opened_total',
    },
    {
      what: 'Istio: a VirtualService with header routes but no upgrade',
      objects: [
        ...checkoutApp('istio'),
        svc([HTTP]),
        virtualServiceObject('checkout', 'shop', 'checkout', [
          {
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: 'checkout' } }],
          },
        ]),
      ],
      status: 'pass',
      summary: 'no long-lived streams seen',
    },
    {
      what: 'Linkerd: an HTTPRoute on its Service matching Upgrade',
      objects: [
        ...checkoutApp('linkerd'),
        svc([HTTP]),
        upgradeRoute('checkout-live', 'checkout'),
      ],
      status: 'warn',
      summary:
        'HTTPRoute shop/checkout-live matches header Upgrade: websocket for Service shop/checkout',
    },
    {
      what: "Linkerd: an Upgrade HTTPRoute on another workload's Service",
      objects: [
        ...checkoutApp('linkerd'),
        svc([HTTP]),
        upgradeRoute('chat-live', 'chat'),
      ],
      status: 'pass',
      summary: 'no long-lived streams seen',
    },
    {
      what: 'Istio: a few requests past a minute are timeouts, not streams',
      objects: [...checkoutApp('istio'), svc([HTTP])],
      data: rareSlow,
      status: 'pass',
      summary: 'no long-lived streams seen',
    },
    {
      what: 'Linkerd: MySQL on its default opaque port, not annotated',
      objects: [
        ...checkoutApp('linkerd'),
        svc([{ name: 'db', port: 3306, protocol: 'TCP' }]),
      ],
      status: 'warn',
      summary: 'only the install-wide default list makes it opaque',
      remediation: 'config.linkerd.io/opaque-ports=3306',
    },
    {
      what: 'Linkerd: NATS (server-first, not a default opaque port)',
      objects: [
        ...checkoutApp('linkerd'),
        svc([{ name: 'client', port: 4222, protocol: 'TCP' }]),
      ],
      status: 'fail',
      summary: 'carries NATS',
    },
    {
      what: 'Linkerd: MySQL covered by the Service opaque-ports annotation',
      objects: [
        ...checkoutApp('linkerd'),
        svc([{ name: 'db', port: 3306, protocol: 'TCP' }], {
          'config.linkerd.io/opaque-ports': '3306',
        }),
      ],
      status: 'pass',
      summary: 'declares its protocol',
    },
    {
      what: 'Linkerd: unnamed HTTP port is fine (Linkerd detects the protocol)',
      objects: [
        ...checkoutApp('linkerd'),
        svc([{ name: 'web', port: 80, protocol: 'TCP' }]),
      ],
      status: 'pass',
      summary: 'declares its protocol',
    },
    {
      what: 'Istio ambient without a waypoint',
      objects: [
        ...checkoutApp('ambient'),
        svc([{ name: 'db', port: 3306, protocol: 'TCP' }]),
      ],
      status: 'not-applicable',
      summary: 'ztunnel carries every port as opaque TCP',
    },
    {
      what: 'not meshed',
      objects: [...checkoutApp('none'), svc([HTTP])],
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
  ])('$what → $status', ({ objects, data, status, summary, remediation }) => {
    const out = run(protocolsCheck, objects, data);
    expect(out.status).toBe(status);
    expect(out.summary).toContain(summary);
    expect(out.remediation ?? '').toContain(remediation ?? '');
    expect(Boolean(out.remediation)).toBe(['warn', 'fail'].includes(status));
  });

  it('says when there are no metrics to judge streams by', () => {
    const ctx = contextFor([
      snapshot('prod', [...checkoutApp('istio'), svc([HTTP])]),
    ]);
    const out = protocolsCheck.evaluate({
      ...ctx,
      metricsFor: () => undefined,
    });
    expect(out.status).toBe('pass');
    expect(JSON.stringify(out.evidence)).toContain(
      'long-lived streams not judged',
    );
  });
});
