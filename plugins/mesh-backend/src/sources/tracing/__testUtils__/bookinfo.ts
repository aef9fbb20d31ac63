import {
  NormalizedSpan,
  NormalizedTrace,
} from '@mesh-readiness/plugin-mesh-node';

/**
 * The fixtures' traces as every back end must normalise them, written out by hand.
 * T1: the Istio bookinfo request through the ingress gateway, productpage traced twice
 * (sidecar and OpenTelemetry SDK). T2: productpage's sidecar starting a new trace (broken
 * propagation). T3: a messaging trace with a FOLLOWS_FROM hop (64-bit id).
 */

export const T1 = '4bf92f3577b34da6a3ce929d0e0e4736';
export const T2 = '0af7651916cd43dd8448eb211c80319c';
export const T3 = '00000000000000006f1d2e3c4b5a6978';

const ns = (offsetMicros: number) =>
  (1772359200000000000n + BigInt(offsetMicros) * 1000n).toString();

const sidecar = (ip: string, pod: string) =>
  `sidecar~${ip}~${pod}.default~default.svc.cluster.local`;
const PRODUCTPAGE_NODE = sidecar(
  '10.244.1.7',
  'productpage-v1-7d6cfb7dfd-5ltmh',
);

export const TRACE_1: NormalizedTrace = {
  traceId: T1,
  spans: [
    {
      traceId: T1,
      spanId: 'a1b2c3d4e5f60001',
      kind: 'client',
      service: 'istio-ingressgateway.istio-system',
      name: 'productpage.default.svc.cluster.local:9080/productpage',
      startTimeUnixNano: ns(0),
      durationMicros: 48210,
      isProxy: true,
      proxyDirection: 'outbound',
      attributes: {
        component: 'proxy',
        node_id:
          'router~10.244.0.5~istio-ingressgateway-5d6f7c8b9-q7m2x.istio-system~istio-system.svc.cluster.local',
        upstream_cluster:
          'outbound|9080||productpage.default.svc.cluster.local',
        'http.status_code': '200',
        'istio.canonical_service': 'istio-ingressgateway',
        'istio.namespace': 'istio-system',
      },
    },
    {
      traceId: T1,
      spanId: 'a1b2c3d4e5f60002',
      parentSpanId: 'a1b2c3d4e5f60001',
      kind: 'server',
      service: 'productpage.default',
      name: 'productpage.default.svc.cluster.local:9080/productpage',
      startTimeUnixNano: ns(310),
      durationMicros: 47100,
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: {
        component: 'proxy',
        node_id: PRODUCTPAGE_NODE,
        upstream_cluster: 'inbound|9080||',
        'http.status_code': '200',
        'istio.canonical_service': 'productpage',
        'istio.namespace': 'default',
      },
    },
    {
      traceId: T1,
      spanId: 'a1b2c3d4e5f60003',
      parentSpanId: 'a1b2c3d4e5f60002',
      kind: 'server',
      service: 'productpage',
      name: 'GET /productpage',
      startTimeUnixNano: ns(520),
      durationMicros: 46020,
      isProxy: false,
      attributes: {
        'http.status_code': '200',
        'otel.scope.name': 'opentelemetry.instrumentation.flask',
      },
    },
    {
      traceId: T1,
      spanId: 'a1b2c3d4e5f60004',
      parentSpanId: 'a1b2c3d4e5f60003',
      kind: 'client',
      service: 'productpage',
      name: 'GET',
      startTimeUnixNano: ns(1900),
      durationMicros: 40110,
      isProxy: false,
      attributes: {
        'http.status_code': '200',
        'peer.service': 'reviews',
        'otel.scope.name': 'opentelemetry.instrumentation.requests',
      },
    },
    {
      traceId: T1,
      spanId: 'a1b2c3d4e5f60005',
      parentSpanId: 'a1b2c3d4e5f60004',
      kind: 'client',
      service: 'productpage.default',
      name: 'reviews.default.svc.cluster.local:9080/*',
      startTimeUnixNano: ns(2010),
      durationMicros: 39800,
      isProxy: true,
      proxyDirection: 'outbound',
      attributes: {
        component: 'proxy',
        node_id: PRODUCTPAGE_NODE,
        upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local',
        'http.status_code': '200',
        'istio.canonical_service': 'productpage',
        'istio.namespace': 'default',
      },
    },
    {
      traceId: T1,
      spanId: 'a1b2c3d4e5f60006',
      parentSpanId: 'a1b2c3d4e5f60005',
      kind: 'server',
      service: 'reviews.default',
      name: 'reviews.default.svc.cluster.local:9080/*',
      startTimeUnixNano: ns(2400),
      durationMicros: 38900,
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: {
        component: 'proxy',
        node_id: sidecar('10.244.2.9', 'reviews-v2-5b667bcbf8-9xq4t'),
        upstream_cluster: 'inbound|9080||',
        'http.status_code': '200',
        'istio.canonical_service': 'reviews',
        'istio.namespace': 'default',
      },
    },
  ],
};

export const TRACE_2: NormalizedTrace = {
  traceId: T2,
  spans: [
    {
      traceId: T2,
      spanId: 'b7ad6b7169203331',
      kind: 'client',
      service: 'productpage.default',
      name: 'details.default.svc.cluster.local:9080/*',
      startTimeUnixNano: ns(5_000_000),
      durationMicros: 6100,
      isProxy: true,
      proxyDirection: 'outbound',
      attributes: {
        component: 'proxy',
        node_id: PRODUCTPAGE_NODE,
        upstream_cluster: 'outbound|9080||details.default.svc.cluster.local',
        'http.status_code': '200',
        'istio.canonical_service': 'productpage',
        'istio.namespace': 'default',
      },
    },
    {
      traceId: T2,
      spanId: 'b7ad6b7169203332',
      parentSpanId: 'b7ad6b7169203331',
      kind: 'server',
      service: 'details.default',
      name: 'details.default.svc.cluster.local:9080/*',
      startTimeUnixNano: ns(5_000_450),
      durationMicros: 5200,
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: {
        component: 'proxy',
        node_id:
          'sidecar~10.244.3.4~details-v1-65cfcf56f9-lm7qz.default~default.svc.cluster.local',
        upstream_cluster: 'inbound|9080||',
        'http.status_code': '200',
        'istio.canonical_service': 'details',
        'istio.namespace': 'default',
      },
    },
  ],
};

export const TRACE_3: NormalizedTrace = {
  traceId: T3,
  spans: [
    {
      traceId: T3,
      spanId: '1f2e3d4c5b6a7980',
      kind: 'producer',
      service: 'orders.shop',
      name: 'orders publish',
      startTimeUnixNano: ns(9_000_000),
      durationMicros: 800,
      isProxy: false,
      attributes: { 'otel.scope.name': 'io.opentelemetry.kafka-clients-2.6' },
    },
    {
      traceId: T3,
      spanId: '2a3b4c5d6e7f8091',
      parentSpanId: '1f2e3d4c5b6a7980',
      followsFrom: true,
      kind: 'consumer',
      service: 'billing.shop',
      name: 'orders process',
      startTimeUnixNano: ns(9_120_000),
      durationMicros: 15000,
      isProxy: false,
      attributes: { 'otel.scope.name': 'io.opentelemetry.kafka-clients-2.6' },
    },
    {
      traceId: T3,
      spanId: '3b4c5d6e7f809102',
      parentSpanId: '2a3b4c5d6e7f8091',
      kind: 'client',
      service: 'billing.shop',
      name: 'POST /charge',
      startTimeUnixNano: ns(9_121_000),
      durationMicros: 12000,
      isProxy: false,
      attributes: {
        'http.status_code': '502',
        'peer.service': 'payments',
        'otel.scope.name': 'io.opentelemetry.java-http-client',
      },
    },
  ],
};

/** Spans sorted by id, so traces compare whatever order a back end grouped them in. */
export function bySpanId(trace: NormalizedTrace): NormalizedTrace {
  return {
    traceId: trace.traceId,
    spans: [...trace.spans].sort((a: NormalizedSpan, b: NormalizedSpan) =>
      a.spanId.localeCompare(b.spanId),
    ),
  };
}

export function sortedTraces(traces: NormalizedTrace[]): NormalizedTrace[] {
  return traces
    .map(bySpanId)
    .sort((a, b) => a.traceId.localeCompare(b.traceId));
}
