import { WorkloadSummary } from '@mesh-readiness/plugin-mesh-common';
import { buildReportLinks, fillLinkTemplate } from './links';

const workload = (o: Partial<WorkloadSummary> = {}): WorkloadSummary => ({
  cluster: 'prod-eu',
  namespace: 'shop',
  kind: 'Deployment',
  name: 'checkout',
  pods: 2,
  meshedPods: 2,
  proxyVersions: ['1.27.1'],
  provider: 'istio',
  dataPlane: 'sidecar',
  ...o,
});

const KIALI =
  'https://kiali.example.com/kiali/console/namespaces/{namespace}/workloads/{workload}?clusterName={cluster}';
const VIZ = 'https://viz.example.com/namespaces/{namespace}/{kind}s/{workload}';
const GRAFANA =
  'https://grafana.example.com/d/mesh?var-cluster={cluster}&var-namespace={namespace}&var-workload={workload}';
const TRACES =
  'https://jaeger.example.com/search?service={workload}.{namespace}';

describe('buildReportLinks', () => {
  it.each<{
    what: string;
    workloads: WorkloadSummary[];
    templates: Parameters<typeof buildReportLinks>[1];
    urls: string[];
  }>([
    {
      what: 'no templates: no links',
      workloads: [workload()],
      templates: {},
      urls: [],
    },
    {
      what: 'one link per configured tool, in tool order',
      workloads: [workload()],
      templates: { grafana: GRAFANA, kiali: KIALI, tracingSearch: TRACES },
      urls: [
        'https://kiali.example.com/kiali/console/namespaces/shop/workloads/checkout?clusterName=prod-eu',
        'https://grafana.example.com/d/mesh?var-cluster=prod-eu&var-namespace=shop&var-workload=checkout',
        'https://jaeger.example.com/search?service=checkout.shop',
      ],
    },
    {
      what: 'Kiali for Istio workloads, Linkerd viz for Linkerd ones',
      workloads: [
        workload({ name: 'web', provider: 'istio' }),
        workload({ name: 'pay', provider: 'linkerd' }),
      ],
      templates: { kiali: KIALI, linkerdViz: VIZ },
      urls: [
        'https://kiali.example.com/kiali/console/namespaces/shop/workloads/web?clusterName=prod-eu',
        'https://viz.example.com/namespaces/shop/deployments/pay',
      ],
    },
    {
      what: 'one link per workload, across clusters',
      workloads: [
        workload({ cluster: 'prod-eu' }),
        workload({ cluster: 'prod-us', name: 'checkout-v2.canary' }),
      ],
      templates: { grafana: GRAFANA },
      urls: [
        'https://grafana.example.com/d/mesh?var-cluster=prod-eu&var-namespace=shop&var-workload=checkout',
        'https://grafana.example.com/d/mesh?var-cluster=prod-us&var-namespace=shop&var-workload=checkout-v2.canary',
      ],
    },
    {
      what: 'a namespace template: one link per namespace, not per workload',
      workloads: [
        workload({ name: 'a' }),
        workload({ name: 'b' }),
        workload({ name: 'c', namespace: 'pay' }),
      ],
      templates: {
        kiali:
          'https://kiali.example.com/kiali/console/graph/namespaces?namespaces={namespace}',
      },
      urls: [
        'https://kiali.example.com/kiali/console/graph/namespaces?namespaces=shop',
        'https://kiali.example.com/kiali/console/graph/namespaces?namespaces=pay',
      ],
    },
    ...[
      'web"}or vector(1)',
      '../admin',
      '..',
      'a/b',
      'a b',
      'x?evil=1',
      'x#frag',
      'x&var-workload=other',
      '%2e%2e',
      'chéckout',
      'line\nbreak',
      'Checkout',
      'a'.repeat(254),
      '-web',
      '',
    ].map(name => ({
      what: `a workload named ${JSON.stringify(
        name.slice(0, 30),
      )} gets no link; the valid one does`,
      workloads: [workload({ name }), workload({ name: 'ok' })],
      templates: { kiali: KIALI, grafana: GRAFANA },
      urls: [
        'https://kiali.example.com/kiali/console/namespaces/shop/workloads/ok?clusterName=prod-eu',
        'https://grafana.example.com/d/mesh?var-cluster=prod-eu&var-namespace=shop&var-workload=ok',
      ],
    })),
    ...(
      [
        ['namespace', { namespace: 'shop/../kube-system' }],
        ['namespace', { namespace: 'a.b' }],
        ['cluster', { cluster: 'evil.example.com/x' }],
        ['cluster', { cluster: 'UPPER' }],
        ['kind', { kind: 'Deployment/../../x' }],
        ['kind', { kind: '1Deployment' }],
      ] as const
    ).map(([field, o]) => ({
      what: `a hostile ${field} (${Object.values(o)[0]}) gets no link`,
      workloads: [workload(o)],
      templates: { kiali: KIALI, linkerdViz: VIZ, grafana: GRAFANA },
      urls: [],
    })),
  ])('$what', ({ workloads, templates, urls }) => {
    expect(buildReportLinks(workloads, templates).map(l => l.url)).toEqual(
      urls,
    );
  });

  it('names the tool, the workload and where it runs', () => {
    expect(
      buildReportLinks([workload()], {
        kiali: KIALI,
        tracingSearch: TRACES,
        grafana: 'https://grafana.example.com/d/ns?var-namespace={namespace}',
      }),
    ).toEqual([
      {
        tool: 'kiali',
        title: 'Kiali: checkout (shop)',
        url: 'https://kiali.example.com/kiali/console/namespaces/shop/workloads/checkout?clusterName=prod-eu',
        cluster: 'prod-eu',
        namespace: 'shop',
        workload: 'checkout',
      },
      {
        tool: 'grafana',
        title: 'Grafana: shop',
        url: 'https://grafana.example.com/d/ns?var-namespace=shop',
        cluster: 'prod-eu',
        namespace: 'shop',
      },
      {
        tool: 'tracing',
        title: 'Tracing: checkout (shop)',
        url: 'https://jaeger.example.com/search?service=checkout.shop',
        cluster: 'prod-eu',
        namespace: 'shop',
        workload: 'checkout',
      },
    ]);
  });
});

describe('fillLinkTemplate', () => {
  it.each([
    ['../admin', 'https://k.example.com/w/..%2Fadmin?c=eu'],
    ['x?evil=1#f', 'https://k.example.com/w/x%3Fevil%3D1%23f?c=eu'],
    ['a&c=other', 'https://k.example.com/w/a%26c%3Dother?c=eu'],
    ['"}or vector(1)', 'https://k.example.com/w/%22%7Dor%20vector(1)?c=eu'],
    ['chéck out', 'https://k.example.com/w/ch%C3%A9ck%20out?c=eu'],
    ['{cluster}', 'https://k.example.com/w/%7Bcluster%7D?c=eu'],
  ])('encodes %j so it stays one value', (name, url) => {
    expect(
      fillLinkTemplate('https://k.example.com/w/{workload}?c={cluster}', {
        cluster: 'eu',
        namespace: 'shop',
        workload: name,
        kind: 'Deployment',
      }),
    ).toBe(url);
  });
});
