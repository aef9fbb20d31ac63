import {
  EntityWorkload,
  NormalizedSpan,
} from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  namespace,
  snapshot,
  statefulSetWithPods,
} from '../__testUtils__/fixtures';
import { TRACE_1, TRACE_2 } from '../sources/tracing/__testUtils__/bookinfo';
import {
  TRACE_AMBIENT,
  TRACE_LINKERD,
} from '../sources/tracing/__testUtils__/meshAttribution';
import {
  parseNodeId,
  proxySpanSide,
  workloadProxySpans,
  workloadTraces,
} from './spans';

function workload(
  objects: ReturnType<typeof deploymentWithPods>,
  selector: string,
): EntityWorkload {
  const ctx = contextFor([snapshot('prod', objects)], {
    'backstage.io/kubernetes-label-selector': selector,
  });
  expect(ctx.workloads).toHaveLength(1);
  return ctx.workloads[0];
}

const productpage = () =>
  workload(
    [
      namespace('default'),
      ...deploymentWithPods('productpage-v1', 'default', {
        templateLabels: { app: 'productpage', version: 'v1' },
        meshedPods: 1,
        hash: '7d6cfb7dfd',
      }),
    ],
    'app=productpage',
  );

const reviewsV2 = () =>
  workload(
    [
      namespace('bookinfo'),
      ...deploymentWithPods('reviews-v2', 'bookinfo', {
        templateLabels: { app: 'reviews', version: 'v2' },
        meshedPods: 1,
      }),
    ],
    'app=reviews',
  );

const voting = () =>
  workload(
    [
      namespace('emojivoto'),
      ...deploymentWithPods('voting', 'emojivoto', {
        templateLabels: { app: 'voting-svc' },
        meshedPods: 1,
        proxy: linkerdProxy(),
      }),
    ],
    'app=voting-svc',
  );

function proxy(
  attributes: Record<string, string>,
  o: Partial<NormalizedSpan> = {},
): NormalizedSpan {
  return {
    traceId: '1'.padStart(32, '0'),
    spanId: '1'.padStart(16, '0'),
    kind: 'server',
    service: 'productpage.default',
    name: 'x',
    isProxy: true,
    proxyDirection: 'inbound',
    attributes,
    ...o,
  };
}

describe('parseNodeId', () => {
  it.each([
    [
      'sidecar~10.244.1.7~productpage-v1-7d6cfb7dfd-5ltmh.default~default.svc.cluster.local',
      {
        type: 'sidecar',
        pod: 'productpage-v1-7d6cfb7dfd-5ltmh',
        namespace: 'default',
      },
    ],
    [
      'waypoint~10.0.0.1~waypoint-abc.bookinfo~bookinfo.svc.cluster.local',
      { type: 'waypoint', pod: 'waypoint-abc', namespace: 'bookinfo' },
    ],
    ['router~1.2.3.4~gw~x', { type: 'router', pod: 'gw' }],
    ['not-a-node-id', undefined],
    [undefined, undefined],
  ])('%s', (nodeId, expected) => {
    expect(parseNodeId(nodeId)).toEqual(expected);
  });
});

describe('proxySpanSide', () => {
  it('ties the bookinfo fixture spans to productpage by node_id, both sides, not app spans', () => {
    const w = productpage();
    const sides = workloadProxySpans(TRACE_1, w);
    expect(sides.inbound.map(s => s.span.spanId)).toEqual(['a1b2c3d4e5f60002']);
    expect(sides.outbound.map(s => s.span.spanId)).toHaveLength(1);
    expect(sides.outbound[0].span.attributes.upstream_cluster).toMatch(
      /^outbound\|9080\|\|reviews/,
    );
    expect(
      [...sides.inbound, ...sides.outbound].every(s => s.span.isProxy),
    ).toBe(true);
    expect(workloadProxySpans(TRACE_2, w).outbound).toHaveLength(1);
  });

  it.each<{
    what: string;
    span: NormalizedSpan;
    expected: string | undefined;
  }>([
    {
      what: 'pod from node_id',
      span: proxy({
        node_id:
          'sidecar~1.1.1.1~productpage-v1-7d6cfb7dfd-5ltmh.default~default.svc.cluster.local',
      }),
      expected: 'inbound:sidecar',
    },
    {
      what: 'a replaced pod of the Deployment (generated name)',
      span: proxy({
        node_id:
          'sidecar~1.1.1.1~productpage-v1-7d6cfb7dfd-zzzzz.default~default.svc.cluster.local',
      }),
      expected: 'inbound:sidecar',
    },
    {
      what: 'a pod of another workload with the same canonical service',
      span: proxy({
        node_id:
          'sidecar~1.1.1.1~productpage-v2-5f5f5f5f5-abcde.default~default.svc.cluster.local',
        'istio.canonical_service': 'productpage',
        'istio.namespace': 'default',
      }),
      expected: undefined,
    },
    {
      what: 'the same pod name in another namespace',
      span: proxy({
        node_id:
          'sidecar~1.1.1.1~productpage-v1-7d6cfb7dfd-5ltmh.other~other.svc.cluster.local',
      }),
      expected: undefined,
    },
    {
      what: 'canonical service and namespace only',
      span: proxy(
        {
          'istio.canonical_service': 'productpage',
          'istio.namespace': 'default',
        },
        { proxyDirection: 'outbound', kind: 'client' },
      ),
      expected: 'outbound:sidecar',
    },
    {
      what: 'only the trace service name <app>.<ns>',
      span: proxy({ component: 'proxy' }),
      expected: 'inbound:sidecar',
    },
    {
      what: 'a trace service name of another namespace',
      span: proxy({ component: 'proxy' }, { service: 'productpage.prod' }),
      expected: undefined,
    },
    {
      what: 'an app span',
      span: proxy(
        { 'k8s.pod.name': 'productpage-v1-7d6cfb7dfd-5ltmh' },
        { isProxy: false, proxyDirection: undefined, service: 'productpage' },
      ),
      expected: undefined,
    },
  ])('Istio sidecar: $what', ({ span, expected }) => {
    const side = proxySpanSide(span, productpage());
    expect(side ? `${side.direction}:${side.via}` : undefined).toBe(expected);
  });

  it('ambient waypoint: the destination is inbound, the source outbound', () => {
    const wp = TRACE_AMBIENT.spans[0];
    expect(proxySpanSide(wp, reviewsV2())).toEqual({
      direction: 'inbound',
      via: 'waypoint',
    });
    const productpageBookinfo = workload(
      [
        namespace('bookinfo'),
        ...deploymentWithPods('productpage-v1', 'bookinfo', {
          templateLabels: { app: 'productpage' },
          meshedPods: 1,
        }),
      ],
      'app=productpage',
    );
    expect(proxySpanSide(wp, productpageBookinfo)).toEqual({
      direction: 'outbound',
      via: 'waypoint',
    });
    expect(proxySpanSide(wp, productpage())).toBeUndefined();
  });

  it('Linkerd: by linkerd.io/proxy-deployment and workload-ns, both directions', () => {
    const sides = workloadProxySpans(TRACE_LINKERD, voting());
    expect(sides.inbound.map(s => s.via)).toEqual(['linkerd']);
    expect(sides.outbound.map(s => s.span.spanId)).toEqual([
      '1000000000000004',
    ]);
    expect(workloadProxySpans(TRACE_LINKERD, productpage())).toEqual({
      inbound: [],
      outbound: [],
    });
  });

  it('Linkerd: a renamed proxy service is only recognised with the option', () => {
    const renamed = {
      ...TRACE_LINKERD,
      spans: TRACE_LINKERD.spans.map(s =>
        s.service === 'linkerd-proxy' ? { ...s, service: 'l5d' } : s,
      ),
    };
    const w = voting();
    expect(
      workloadProxySpans(renamed, w, { linkerdProxyService: 'l5d' }).outbound,
    ).toHaveLength(1);
    // Without it, the span is read as an Istio proxy span of service `l5d`: not voting's.
    expect(workloadProxySpans(renamed, w).outbound).toHaveLength(0);
  });

  it('Linkerd: by the pod name (hostname) when the owner label is absent; StatefulSet pods', () => {
    const w = workload(
      [
        namespace('data'),
        ...statefulSetWithPods('cache', 'data', {
          meshedPods: 1,
          proxy: linkerdProxy(),
        }),
      ],
      'app=cache',
    );
    const span = proxy(
      {
        direction: 'outbound',
        hostname: 'cache-7',
        'linkerd.io/workload-ns': 'data',
      },
      { service: 'linkerd-proxy', proxyDirection: 'outbound', kind: 'client' },
    );
    expect(proxySpanSide(span, w)?.direction).toBe('outbound');
    expect(
      proxySpanSide(
        { ...span, attributes: { ...span.attributes, hostname: 'cachex-7' } },
        w,
      ),
    ).toBeUndefined();
  });
});

describe('workloadTraces', () => {
  it("finds a workload's traces through the index, in their order, and no others", () => {
    const traces = [TRACE_LINKERD, TRACE_1, TRACE_AMBIENT, TRACE_2];
    expect(workloadTraces(traces, productpage())).toEqual([TRACE_1, TRACE_2]);
    expect(workloadTraces(traces, voting())).toEqual([TRACE_LINKERD]);
    expect(workloadTraces(traces, reviewsV2())).toEqual([TRACE_AMBIENT]);
  });
});
