import { KubeObject, MetricSeries } from '@mesh-readiness/plugin-mesh-node';
import {
  buckets,
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  metrics,
  namespace,
  service,
  snapshot,
} from '../../__testUtils__/fixtures';
import { meshUsageCheck } from './meshUsage';

const ISTIO_NS = namespace('shop', {
  labels: { 'istio-injection': 'enabled' },
});
const SVC = service('checkout', 'shop', { app: 'checkout' });
const KEY = 'shop/checkout';

const authz: KubeObject = {
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'checkout-allow', namespace: 'shop' },
  spec: {
    selector: { matchLabels: { app: 'checkout' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { namespaces: ['web'] } }] }],
  },
};
const retries: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'checkout', namespace: 'shop' },
  spec: {
    hosts: ['checkout'],
    http: [
      {
        route: [{ destination: { host: 'checkout' } }],
        retries: { attempts: 3, perTryTimeout: '2s' },
      },
    ],
  },
};

const edge = (code: string, responseFlags: string, rate: number) => ({
  source: 'web/frontend',
  ...(responseFlags === '-' ? { destinationWorkload: KEY } : {}),
  destinationService: 'shop/checkout',
  protocol: 'http' as const,
  code,
  responseFlags,
  rate,
});

interface Case {
  what: string;
  objects: KubeObject[];
  series?: Partial<MetricSeries>;
  annotations?: Record<string, string>;
  status: string;
  fired: string[];
  text?: RegExp;
}

const istio = (...extra: KubeObject[]) => [
  ISTIO_NS,
  SVC,
  ...deploymentWithPods('checkout', 'shop', { pods: 2, meshedPods: 2 }),
  ...extra,
];

describe('value.mesh-usage', () => {
  it('is the value.mesh-usage check, reading Kubernetes and Prometheus', () => {
    expect(meshUsageCheck.definition.id).toBe('value.mesh-usage');
    expect(meshUsageCheck.definition.sources).toEqual([
      'kubernetes',
      'prometheus',
    ]);
  });

  it.each<Case>([
    {
      what: 'not meshed',
      objects: [SVC, ...deploymentWithPods('checkout', 'shop', { pods: 1 })],
      status: 'not-applicable',
      fired: [],
      text: /Not in the mesh/,
    },
    {
      what: 'Istio sidecar used for mTLS only',
      objects: istio(),
      status: 'warn',
      fired: ['just-mtls'],
      text: /NetworkPolic.*cert-manager[\s\S]*dataplane-mode=ambient/,
    },
    {
      what: 'an AuthorizationPolicy in use',
      objects: istio(authz),
      status: 'pass',
      fired: [],
    },
    {
      what: 'retries on a VirtualService',
      objects: istio(retries),
      status: 'pass',
      fired: [],
    },
    {
      what: 'Envoy-made 5xx outnumber the app 5xx',
      objects: istio(authz),
      series: {
        istioSourceRequests: [
          edge('200', '-', 10),
          edge('503', '-', 0.1),
          edge('503', 'UH', 0.5),
          edge('503', 'URX', 0.2),
        ],
      },
      status: 'warn',
      fired: ['proxy-failures'],
      text: /UH, URX/,
    },
    {
      what: 'app 5xx outnumber the Envoy-made ones',
      objects: istio(authz),
      series: {
        istioSourceRequests: [edge('500', '-', 1), edge('503', 'UF', 0.1)],
      },
      status: 'pass',
      fired: [],
    },
    {
      what: 'sidecar hops over half the latency budget',
      objects: istio(authz),
      annotations: { 'servicemesh/latency-budget-p99-ms': '10' },
      series: {
        istioLatency: {
          [KEY]: [
            {
              reporter: 'destination',
              buckets: buckets([5, 90], [10, 100], [Infinity, 100]),
            },
          ],
        },
        istioSourceLatency: {
          [KEY]: [
            {
              reporter: 'source',
              buckets: buckets([5, 0], [25, 100], [Infinity, 100]),
            },
          ],
        },
      },
      status: 'warn',
      fired: ['latency-budget'],
      text: /latency-budget-p99-ms/,
    },
    {
      what: 'Linkerd proxy errors outnumber app 5xx',
      objects: [
        namespace('pay', { annotations: { 'linkerd.io/inject': 'enabled' } }),
        service('checkout', 'pay', { app: 'checkout' }),
        ...deploymentWithPods('checkout', 'pay', {
          pods: 1,
          meshedPods: 1,
          proxy: linkerdProxy(),
        }),
      ],
      series: {
        linkerdResponses: {
          'pay/checkout': [
            { reporter: 'inbound', protocol: 'http', code: '200', rate: 5 },
            { reporter: 'inbound', protocol: 'http', code: '-', rate: 1 },
            { reporter: 'inbound', protocol: 'http', code: '500', rate: 0.2 },
          ],
        },
      },
      status: 'warn',
      fired: ['just-mtls', 'proxy-failures'],
      text: /linkerd viz stat deploy\/checkout -n pay/,
    },
    {
      what: 'Istio ambient without a waypoint',
      objects: [
        namespace('shop', { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
        SVC,
        ...deploymentWithPods('checkout', 'shop', {
          pods: 1,
          podAnnotations: { 'ambient.istio.io/redirection': 'enabled' },
        }),
      ],
      status: 'pass',
      fired: [],
    },
  ])('$what → $status', c => {
    const ctx = contextFor(
      [snapshot('prod', c.objects, { metrics: metrics({}, '5m', c.series) })],
      {
        'backstage.io/kubernetes-label-selector': 'app=checkout',
        ...c.annotations,
      },
    );
    const out = meshUsageCheck.evaluate(ctx);
    expect(out.status).toBe(c.status);
    const workloads = (out.evidence.workloads ?? []) as Array<{
      fired?: string[];
    }>;
    expect(workloads.flatMap(w => w.fired ?? [])).toEqual(c.fired);
    expect(Boolean(out.remediation)).toBe(out.status === 'warn');
    expect(`${out.summary}\n${out.remediation ?? ''}`).toMatch(c.text ?? /./);
  });
});
