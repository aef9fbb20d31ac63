import {
  base64ToHex,
  buildSpan,
  classifyProxy,
  keepAttribute,
  normalizeHexId,
  normalizeKind,
  normalizeParentSpanId,
  normalizeSpanId,
  normalizeTraceId,
  ProxyClassification,
} from './proxySpans';
import { SpanKind } from '@mesh-readiness/plugin-mesh-node';

const SIDECAR_NODE =
  'sidecar~10.244.1.7~productpage-v1-7d6cfb7dfd-5ltmh.default~default.svc.cluster.local';
const WAYPOINT_NODE =
  'waypoint~10.244.1.20~waypoint-7c9d8f6b5-x2k8p.bookinfo~bookinfo.svc.cluster.local';

describe('classifyProxy', () => {
  const cases: Array<
    [string, string, Record<string, string>, SpanKind, ProxyClassification]
  > = [
    [
      'Istio sidecar inbound (server, inbound| cluster)',
      'reviews.default',
      {
        component: 'proxy',
        upstream_cluster: 'inbound|9080||',
        node_id: SIDECAR_NODE,
      },
      'server',
      { isProxy: true, proxyDirection: 'inbound' },
    ],
    [
      'Istio sidecar outbound (client, outbound| cluster)',
      'productpage.default',
      {
        component: 'proxy',
        upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local',
        node_id: SIDECAR_NODE,
      },
      'client',
      { isProxy: true, proxyDirection: 'outbound' },
    ],
    [
      'the cluster name wins over the kind',
      'productpage.default',
      { upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local' },
      'server',
      { isProxy: true, proxyDirection: 'outbound' },
    ],
    [
      'Envoy span with only component=proxy: direction from the kind',
      'details.default',
      { component: 'proxy' },
      'server',
      { isProxy: true, proxyDirection: 'inbound' },
    ],
    [
      'Istio sidecar told by its node id alone',
      'productpage.default',
      { node_id: SIDECAR_NODE },
      'client',
      { isProxy: true, proxyDirection: 'outbound' },
    ],
    [
      'Istio ambient waypoint (inbound-vip| cluster)',
      'waypoint.bookinfo',
      {
        component: 'proxy',
        node_id: WAYPOINT_NODE,
        upstream_cluster:
          'inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local',
      },
      'server',
      { isProxy: true, proxyDirection: 'inbound' },
    ],
    [
      'Istio ambient waypoint: the inbound-vip| cluster alone tells the side',
      'waypoint.bookinfo',
      {
        upstream_cluster:
          'inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local',
      },
      'unspecified',
      { isProxy: true, proxyDirection: 'inbound' },
    ],
    [
      'Istio ambient waypoint told by its node id alone, no kind',
      'waypoint.bookinfo',
      { node_id: WAYPOINT_NODE },
      'unspecified',
      { isProxy: true },
    ],
    [
      'Istio ingress gateway',
      'istio-ingressgateway.istio-system',
      {
        node_id:
          'router~10.244.0.5~istio-ingressgateway-5d6f7c8b9-q7m2x.istio-system~istio-system.svc.cluster.local',
        upstream_cluster:
          'outbound|9080||productpage.default.svc.cluster.local',
      },
      'client',
      { isProxy: true, proxyDirection: 'outbound' },
    ],
    [
      'Linkerd proxy, inbound',
      'linkerd-proxy',
      { direction: 'inbound' },
      'server',
      { isProxy: true, proxyDirection: 'inbound' },
    ],
    [
      'Linkerd proxy, outbound, even on its server-side span',
      'linkerd-proxy',
      { direction: 'outbound' },
      'server',
      { isProxy: true, proxyDirection: 'outbound' },
    ],
    [
      'Linkerd proxy without a direction label: a proxy, side unknown',
      'linkerd-proxy',
      {},
      'client',
      { isProxy: true },
    ],
    [
      'app server span (OpenTelemetry SDK)',
      'productpage',
      {
        'http.status_code': '200',
        'otel.scope.name': 'opentelemetry.instrumentation.flask',
      },
      'server',
      { isProxy: false },
    ],
    [
      'app client span naming its peer',
      'reviews',
      { 'peer.service': 'ratings', component: 'java-web-servlet' },
      'client',
      { isProxy: false },
    ],
    [
      'app span with a direction attribute is not Linkerd',
      'voting',
      { direction: 'inbound' },
      'server',
      { isProxy: false },
    ],
    [
      'app named like linkerd but not the proxy',
      'linkerd-proxy-injector',
      {},
      'server',
      { isProxy: false },
    ],
    [
      'an upstream_cluster that is no Istio cluster name',
      'frontend',
      { upstream_cluster: 'my-cluster' },
      'client',
      { isProxy: false },
    ],
  ];

  it.each(cases)('%s', (_name, service, attributes, kind, expected) => {
    expect(classifyProxy(service, attributes, kind)).toEqual(expected);
  });

  it('knows Linkerd proxies by the configured service name only', () => {
    const inbound = { direction: 'inbound' };
    expect(
      classifyProxy(
        'voting-linkerd-proxy',
        inbound,
        'server',
        'voting-linkerd-proxy',
      ),
    ).toEqual({ isProxy: true, proxyDirection: 'inbound' });
    expect(
      classifyProxy('linkerd-proxy', inbound, 'server', 'voting-linkerd-proxy'),
    ).toEqual({ isProxy: false });
  });
});

describe('ids', () => {
  it.each([
    [
      'a 128-bit hex trace id',
      '4BF92F3577B34DA6A3CE929D0E0E4736',
      '4bf92f3577b34da6a3ce929d0e0e4736',
    ],
    [
      'a 64-bit hex trace id, left-padded',
      '6f1d2e3c4b5a6978',
      '00000000000000006f1d2e3c4b5a6978',
    ],
    [
      'Tempo search id with its leading zero trimmed',
      'af7651916cd43dd8448eb211c80319c',
      '0af7651916cd43dd8448eb211c80319c',
    ],
    [
      'a base64 trace id (Tempo)',
      'CvdlGRbNQ92ESOshHIAxnA==',
      '0af7651916cd43dd8448eb211c80319c',
    ],
  ])('trace id: %s', (_name, raw, expected) => {
    expect(normalizeTraceId(raw)).toBe(expected);
  });

  it.each([
    ['hex', 'B7AD6B7169203331', 'b7ad6b7169203331'],
    ['short hex, padded', 'abc', '0000000000000abc'],
    ['base64, the reference example', '1gZXnld4dYc=', 'd606579e57787587'],
    ['base64 without padding', 't61rcWkgMzE', 'b7ad6b7169203331'],
  ])('span id: %s', (_name, raw, expected) => {
    expect(normalizeSpanId(raw)).toBe(expected);
  });

  it.each([
    ['not hex nor base64', 'zz-top!'],
    ['hex too long for a span id', '0123456789abcdef01'],
    ['base64 of the wrong length (12 bytes)', 'QUJDREVGR0hJSktM'],
    ['empty', ''],
  ])('rejects a span id that is %s', (_name, raw) => {
    expect(() => normalizeSpanId(raw)).toThrow(/span id/);
  });

  it('reads hex only when told, even if the id would be valid base64', () => {
    expect(() => normalizeSpanId('t61rcWkgMzE=', 'hex')).toThrow();
    expect(normalizeSpanId('t61rcWkgMzE=', 'base64')).toBe('b7ad6b7169203331');
  });

  it.each([
    [undefined, undefined],
    ['', undefined],
    ['0000000000000000', undefined],
    ['AAAAAAAAAAA=', undefined],
    ['a1b2c3d4e5f60001', 'a1b2c3d4e5f60001'],
  ])('parent span id %p is %p', (raw, expected) => {
    expect(normalizeParentSpanId(raw as string | undefined)).toBe(expected);
  });

  it('converts base64 to hex and validates hex width', () => {
    expect(base64ToHex('S/kvNXezTaajzpKdDg5HNg==')).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(() => normalizeHexId('1'.repeat(33), 32)).toThrow(/at most 32/);
  });
});

describe('normalizeKind', () => {
  it.each<[unknown, SpanKind]>([
    [0, 'unspecified'],
    [1, 'internal'],
    [2, 'server'],
    [3, 'client'],
    [4, 'producer'],
    [5, 'consumer'],
    [6, 'unspecified'],
    ['2', 'server'],
    ['SPAN_KIND_CLIENT', 'client'],
    ['SPAN_KIND_UNSPECIFIED', 'unspecified'],
    ['server', 'server'],
    ['consumer', 'consumer'],
    ['PRODUCER', 'producer'],
    ['CLIENT', 'client'],
    ['rpc', 'unspecified'],
    [undefined, 'unspecified'],
    [null, 'unspecified'],
  ])('%p → %s', (raw, expected) => {
    expect(normalizeKind(raw)).toBe(expected);
  });
});

describe('keepAttribute', () => {
  it('keeps what attributes a span to a pod and workload', () => {
    const out: Record<string, string> = {};
    const attributes: Record<string, unknown> = {
      'k8s.pod.name': 'reviews-v2-5b667bcbf8-9xq4t',
      'k8s.pod.uid': '0b8f3c52-2f4e-4a8e-9d1c-3e7a6b5c4d21',
      'k8s.namespace.name': 'bookinfo',
      'k8s.deployment.name': 'reviews-v2',
      'k8s.statefulset.name': 'ratings-db',
      'k8s.node.name': 'worker-2',
      'istio.source_workload': 'productpage-v1',
      'istio.source_namespace': 'bookinfo',
      'istio.destination_workload': 'reviews-v2',
      'istio.destination_canonical_service': 'reviews',
      'istio.source': 'not a peer attribute',
      'linkerd.io/proxy-deployment': 'voting',
      'linkerd.io/workload-ns': 'emojivoto',
      'linkerd.io/control-plane-ns': 'linkerd',
      'pod-template-hash': '7f6d9c5b4',
      hostname: 'voting-7f6d9c5b4-h2kxp',
      constructor: 'a tag named like an Object.prototype member',
    };
    for (const [k, v] of Object.entries(attributes)) keepAttribute(out, k, v);
    expect(out).toEqual({
      'k8s.pod.name': 'reviews-v2-5b667bcbf8-9xq4t',
      'k8s.pod.uid': '0b8f3c52-2f4e-4a8e-9d1c-3e7a6b5c4d21',
      'k8s.namespace.name': 'bookinfo',
      'k8s.deployment.name': 'reviews-v2',
      'k8s.statefulset.name': 'ratings-db',
      'istio.source_workload': 'productpage-v1',
      'istio.source_namespace': 'bookinfo',
      'istio.destination_workload': 'reviews-v2',
      'istio.destination_canonical_service': 'reviews',
      // Kept here, dropped by buildSpan from every span but a Linkerd proxy's.
      'linkerd.io/proxy-deployment': 'voting',
      'linkerd.io/workload-ns': 'emojivoto',
      hostname: 'voting-7f6d9c5b4-h2kxp',
    });
  });

  it('keeps only the listed attributes, under their canonical name, first value winning', () => {
    const out: Record<string, string> = {};
    keepAttribute(out, 'http.response.status_code', 503);
    keepAttribute(out, 'http.status_code', '200');
    keepAttribute(out, 'otel.library.name', 'io.opentelemetry.kafka');
    keepAttribute(out, 'upstream_cluster.name', 'inbound|9080||');
    keepAttribute(out, 'http.url', 'http://reviews:9080/');
    keepAttribute(out, 'component', { nested: true });
    expect(out).toEqual({
      'http.status_code': '503',
      'otel.scope.name': 'io.opentelemetry.kafka',
      upstream_cluster: 'inbound|9080||',
    });
  });
});

describe('buildSpan', () => {
  const fields = (service: string) => ({
    traceId: 'd4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9',
    spanId: '1000000000000002',
    kind: 'server' as const,
    service,
    name: '/api/vote',
    attributes: {
      direction: 'inbound',
      hostname: 'voting-7f6d9c5b4-h2kxp',
      app: 'voting-svc',
      'linkerd.io/proxy-deployment': 'voting',
      'k8s.pod.uid': '6f3d2b1a-0c9e-4f8d-b7a6-5e4d3c2b1a09',
    },
  });

  it("keeps a Linkerd proxy span's pod labels, under the configured name too", () => {
    const mapping = { linkerdProxyService: 'voting-linkerd-proxy' };
    const span = buildSpan(fields('voting-linkerd-proxy'), mapping);
    expect(span).toMatchObject({ isProxy: true, proxyDirection: 'inbound' });
    expect(span.attributes).toEqual(fields('').attributes);
    expect(buildSpan(fields('linkerd-proxy')).attributes).toEqual(
      fields('').attributes,
    );
  });

  it("drops them from any other span, where `app` or `hostname` are someone else's", () => {
    const span = buildSpan(fields('voting'));
    expect(span.isProxy).toBe(false);
    expect(span.attributes).toEqual({
      direction: 'inbound',
      'k8s.pod.uid': '6f3d2b1a-0c9e-4f8d-b7a6-5e4d3c2b1a09',
    });
  });
});
