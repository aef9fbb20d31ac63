import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  appWithProxies,
  istiod,
  linkerdControlPlane,
} from '../../__testUtils__/controlPlane';
import {
  contextFor,
  deploymentWithPods,
  istioProxy,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
} from '../../__testUtils__/fixtures';
import { proxyVersionCheck } from './proxyVersion';

const SHOP = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const DIGEST = 'sha256:0123456789abcdef0123456789abcdef';

const evaluate = (objects: KubeObject[], builds?: ProxyBuilds) =>
  proxyVersionCheck.evaluate(
    contextFor([
      snapshot(
        'prod',
        objects,
        builds
          ? { metrics: metrics({}, '5m', { istioProxyBuild: builds }) }
          : {},
      ),
    ]),
  );

/** `istio_build{component="proxy"}` tags by namespace and pod, as Prometheus answers. */
type ProxyBuilds = Record<string, Record<string, string[]>>;
const PINNED = istioProxy('x', {
  image: `docker.io/istio/proxyv2@sha256:${'ab'.repeat(32)}`,
});
const POD = 'checkout-5c4b3a2f1-p0';

const waypointWith = (proxy: ReturnType<typeof istioProxy>): KubeObject[] => [
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: {
      name: 'waypoint',
      namespace: 'shop',
      labels: { 'istio.io/waypoint-for': 'service' },
    },
    spec: { gatewayClassName: 'istio-waypoint' },
  },
  ...deploymentWithPods('waypoint', 'shop', {
    templateLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
    pods: 1,
    meshedPods: 1,
    proxy,
  }),
];
const waypoint = waypointWith(istioProxy('1.24.0'));
const AMBIENT = { 'ambient.istio.io/redirection': 'enabled' };

const AMBIENT_WAYPOINT_NS = namespace('shop', {
  labels: {
    'istio.io/dataplane-mode': 'ambient',
    'istio.io/use-waypoint': 'waypoint',
  },
});

const cases: Array<{
  name: string;
  objects: KubeObject[];
  builds?: ProxyBuilds;
  status: string;
  summary: string;
  remediation?: string;
}> = [
  {
    name: 'digest-pinned proxy, istio_build says one minor behind',
    objects: [SHOP, ...istiod(), ...appWithProxies('shop', [PINNED])],
    builds: { shop: { [POD]: ['1.26.2'] } },
    status: 'pass',
    summary: 'proxy 1.26.2 is 1 minor version behind control plane 1.27.1',
  },
  {
    name: 'digest-pinned proxy, istio_build says two minors behind',
    objects: [SHOP, ...istiod(), ...appWithProxies('shop', [PINNED])],
    builds: { shop: { [POD]: ['1.25.0'] } },
    status: 'fail',
    summary: 'proxy 1.25.0 is 2 minor versions behind',
    remediation: 'kubectl rollout restart deployment/checkout -n shop',
  },
  {
    name: 'digest-pinned proxy, no istio_build series for its pod',
    objects: [SHOP, ...istiod(), ...appWithProxies('shop', [PINNED])],
    builds: { shop: { 'other-pod': ['1.27.1'] } },
    status: 'unknown',
    summary: `pinned by digest (docker.io/istio/proxyv2@sha256:${'ab'.repeat(
      32,
    )}), so it names no version, and Prometheus has no istio_build{component="proxy"} series for pod shop/${POD}`,
  },
  {
    name: 'digest-pinned waypoint, istio_build of the waypoint pod',
    objects: [
      AMBIENT_WAYPOINT_NS,
      ...istiod(),
      ...waypointWith(PINNED),
      ...appWithProxies('shop', [undefined], { annotations: [AMBIENT] }),
    ],
    builds: { shop: { 'waypoint-6b7f9c8d5-p0': ['1.27.1'] } },
    status: 'pass',
    summary:
      "waypoint shop/waypoint (serving prod/shop/deployment/checkout): proxy 1.27.1 matches control plane 1.27.1 (only the waypoint's proxy was compared with istiod",
  },
  {
    name: 'ambient workload naming a waypoint Gateway that does not exist',
    objects: [
      AMBIENT_WAYPOINT_NS,
      ...istiod(),
      ...appWithProxies('shop', [undefined], { annotations: [AMBIENT] }),
    ],
    status: 'unknown',
    summary:
      'the Gateway shop/waypoint that istio.io/use-waypoint names (on the namespace) was not found',
  },
  {
    name: 'Istio proxy one minor behind istiod',
    objects: [
      SHOP,
      ...istiod(),
      ...appWithProxies('shop', [istioProxy('1.26.3'), istioProxy('1.26.3')]),
    ],
    status: 'pass',
    summary: '1 minor version behind control plane 1.27.1',
  },
  {
    name: 'Istio proxy two minors behind',
    objects: [
      SHOP,
      ...istiod(),
      ...appWithProxies('shop', [istioProxy('1.25.0')]),
    ],
    status: 'fail',
    summary: '2 minor versions behind',
    remediation: 'kubectl rollout restart deployment/checkout -n shop',
  },
  {
    name: 'Istio proxy ahead of istiod',
    objects: [
      SHOP,
      ...istiod('default', { version: '1.26.0' }),
      ...appWithProxies('shop', [istioProxy('1.27.1')]),
    ],
    status: 'fail',
    summary: 'ahead of control plane 1.26.0',
    remediation: 'upgrade the control plane first',
  },
  {
    name: 'mixed versions in one workload',
    objects: [
      SHOP,
      ...istiod(),
      ...appWithProxies('shop', [istioProxy('1.27.1'), istioProxy('1.26.3')]),
    ],
    status: 'warn',
    summary: 'mixed proxy versions (1.27.1 on 1 pod(s), 1.26.3 on 1 pod(s))',
    remediation: 'kubectl rollout restart deployment/checkout -n shop',
  },
  {
    name: 'proxy image pinned by digest',
    objects: [
      SHOP,
      ...istiod(),
      ...appWithProxies('shop', [
        istioProxy('x', { image: `docker.io/istio/proxyv2@${DIGEST}` }),
      ]),
    ],
    status: 'unknown',
    summary: 'pinned by digest',
  },
  {
    name: 'tag and digest: the tag counts',
    objects: [
      SHOP,
      ...istiod(),
      ...appWithProxies('shop', [
        istioProxy('x', { image: `docker.io/istio/proxyv2:1.27.0@${DIGEST}` }),
      ]),
    ],
    status: 'pass',
    summary: 'matches control plane 1.27.1',
  },
  {
    name: 'no istiod collected',
    objects: [SHOP, ...appWithProxies('shop', [istioProxy('1.27.1')])],
    status: 'unknown',
    summary: 'no istiod Deployment was collected',
  },
  {
    name: 'istiod pinned by digest, revision named after its version',
    objects: [
      SHOP,
      ...istiod('1-27-1', { digest: true }),
      ...appWithProxies('shop', [istioProxy('1.26.0')], {
        annotations: [
          {
            'sidecar.istio.io/status':
              '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"1-27-1"}',
          },
        ],
      }),
    ],
    status: 'pass',
    summary: '1 minor version behind control plane 1-27-1',
  },
  {
    name: 'the pod revision picks its istiod (canary on 1.28)',
    objects: [
      SHOP,
      ...istiod('default', { version: '1.26.0' }),
      ...istiod('canary', { version: '1.28.0' }),
      ...appWithProxies('shop', [istioProxy('1.28.0')], {
        annotations: [{ 'sidecar.istio.io/status': '{"revision":"canary"}' }],
      }),
    ],
    status: 'pass',
    summary: 'matches control plane 1.28.0',
  },
  {
    name: 'stale default-revision pods while a newer revision runs',
    objects: [
      SHOP,
      ...istiod('default', { version: '1.27.1' }),
      ...istiod('1-28', { version: '1.28.0' }),
      ...appWithProxies('shop', [istioProxy('1.25.2')]),
    ],
    status: 'fail',
    summary: '2 minor versions behind control plane 1.27.1',
    remediation:
      'kubectl label namespace shop istio.io/rev=1-28 istio-injection- --overwrite',
  },
  {
    name: 'Linkerd proxy one series behind',
    objects: [
      ...linkerdControlPlane({ version: 'stable-2.14.10' }),
      ...appWithProxies('shop', [linkerdProxy('stable-2.13.7')]),
    ],
    status: 'pass',
    summary: 'one series behind control plane stable-2.14.10',
  },
  {
    name: 'Linkerd proxy two series behind',
    objects: [
      ...linkerdControlPlane({ version: 'stable-2.14.10' }),
      ...appWithProxies('shop', [linkerdProxy('stable-2.12.5')]),
    ],
    status: 'fail',
    summary: '2 release series behind',
    remediation: 'linkerd check --proxy --namespace shop',
  },
  {
    name: 'Linkerd edge proxy nine months older',
    objects: [
      ...linkerdControlPlane({ version: 'edge-24.11.8' }),
      ...appWithProxies('shop', [linkerdProxy('edge-24.2.1')]),
    ],
    status: 'fail',
    summary: '9 months older than control plane edge-24.11.8',
  },
  {
    name: 'Linkerd edge proxy newer than the control plane',
    objects: [
      ...linkerdControlPlane({ version: 'edge-24.11.8' }),
      ...appWithProxies('shop', [linkerdProxy('edge-25.1.2')]),
    ],
    status: 'fail',
    summary: 'newer than control plane edge-24.11.8',
  },
  {
    name: 'Linkerd without a control plane collected',
    objects: appWithProxies('shop', [linkerdProxy('edge-25.9.1')]),
    status: 'unknown',
    summary: 'no Linkerd control-plane Deployment',
  },
  {
    name: 'ambient without a waypoint',
    objects: [
      ...istiod(),
      ...appWithProxies('shop', [undefined], { annotations: [AMBIENT] }),
    ],
    status: 'not-applicable',
    summary: 'ambient pods run no proxy of their own',
  },
  {
    name: 'ambient behind a waypoint three minors behind',
    objects: [
      namespace('shop', {
        labels: {
          'istio.io/dataplane-mode': 'ambient',
          'istio.io/use-waypoint': 'waypoint',
        },
      }),
      ...istiod(),
      ...waypoint,
      ...appWithProxies('shop', [undefined], { annotations: [AMBIENT] }),
    ],
    status: 'fail',
    summary:
      "waypoint shop/waypoint (serving prod/shop/deployment/checkout): proxy 1.24.0 is 3 minor versions behind control plane 1.27.1 (at most 1 is supported) (1 of 1 pod(s): waypoint-6b7f9c8d5-p0) (only the waypoint's proxy was compared with istiod: prod/shop/deployment/checkout's own pods run no proxy, and ztunnel is a node-level DaemonSet that is not compared here)",
    remediation: 'kubectl rollout restart deployment/waypoint -n shop',
  },
  {
    name: 'not meshed',
    objects: [SHOP, ...istiod(), ...appWithProxies('shop', [undefined])],
    status: 'not-applicable',
    summary: 'Not in the mesh',
  },
];

describe('upgrade.proxy-version', () => {
  it.each(cases)(
    '$name → $status',
    ({ objects, builds, status, summary, remediation }) => {
      const out = evaluate(objects, builds);
      expect({ status: out.status, summary: out.summary }).toEqual({
        status,
        summary: expect.stringContaining(summary),
      });
      expect(out.remediation ?? '').toContain(remediation ?? '');
      expect(Boolean(out.remediation)).toBe(
        status === 'fail' || status === 'warn',
      );
    },
  );

  it('lists the stale pods with their version and control plane', () => {
    const out = evaluate([
      SHOP,
      ...istiod(),
      ...appWithProxies('shop', [istioProxy('1.25.0'), istioProxy('1.27.1')]),
    ]);
    expect(out.evidence).toMatchObject({
      workloads: [
        {
          workload: 'prod/shop/deployment/checkout',
          status: 'fail',
          stalePods: ['checkout-5c4b3a2f1-p0'],
          pods: [
            {
              pod: 'checkout-5c4b3a2f1-p0',
              version: '1.25.0',
              controlPlane: 'istio-system/istiod',
              status: 'fail',
            },
            { pod: 'checkout-5c4b3a2f1-p1', version: '1.27.1', status: 'pass' },
          ],
        },
      ],
    });
  });

  it('says where a version read from istio_build came from', () => {
    const out = evaluate(
      [SHOP, ...istiod(), ...appWithProxies('shop', [PINNED])],
      { shop: { [POD]: ['1.27.1'] } },
    );
    expect(out.evidence).toMatchObject({
      workloads: [
        {
          pods: [
            {
              pod: POD,
              version: '1.27.1',
              versionFrom: 'istio_build{component="proxy"} (Prometheus)',
              status: 'pass',
            },
          ],
        },
      ],
    });
  });

  it('names the waypoint it compared for an ambient workload', () => {
    const out = evaluate([
      AMBIENT_WAYPOINT_NS,
      ...istiod(),
      ...waypoint,
      ...appWithProxies('shop', [undefined], { annotations: [AMBIENT] }),
    ]);
    expect(out.evidence).toMatchObject({
      workloads: [
        {
          workload:
            'waypoint shop/waypoint (serving prod/shop/deployment/checkout)',
          waypoint: 'shop/waypoint',
          compared: 'the waypoint proxy against istiod (ztunnel not compared)',
          stalePods: ['waypoint-6b7f9c8d5-p0'],
        },
      ],
    });
  });

  it('judges each workload of an entity; the worst wins', () => {
    const objects = [
      SHOP,
      namespace('shop2', { labels: { 'istio-injection': 'enabled' } }),
      ...istiod(),
      ...appWithProxies('shop', [istioProxy('1.27.1')]),
      ...appWithProxies('shop2', [istioProxy('1.24.1')]),
    ];
    const out = evaluate(objects);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('prod/shop2/deployment/checkout');
    expect(out.remediation).toContain('-n shop2');
    expect(out.remediation).not.toContain('-n shop\n');
  });
});
