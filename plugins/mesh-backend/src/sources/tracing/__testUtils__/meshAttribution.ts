import { NormalizedTrace } from '@mesh-readiness/plugin-mesh-node';

/**
 * The ambient-and-Linkerd fixtures (`otlp-ambient-linkerd.json`, `tempo-new/trace-ambient.json`
 * and `trace-linkerd.json`, `jaeger-v1-ambient-linkerd.json`, `zipkin-ambient-linkerd.json`:
 * one scenario in each back end's format) as every back end must normalise them, written
 * out by hand. TA: an Istio ambient waypoint naming both workloads of the hop. TL: an
 * emojivoto request through the voting pod's Linkerd proxy (inbound and outbound spans,
 * pod labels and k8s attributes on its resource) around the app's own server span.
 */

export const TA = '9e6c1f0a3b2d4c5e8f7a6b5c4d3e2f10';
export const TL = 'd4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9';

const POD = 'voting-7f6d9c5b4-h2kxp';

/** What a Linkerd proxy span keeps of its resource: the workload's labels and k8s ids. */
export const LINKERD_POD_ATTRIBUTES: Record<string, string> = {
  hostname: POD,
  app: 'voting-svc',
  version: 'v11',
  'linkerd.io/proxy-deployment': 'voting',
  'linkerd.io/workload-ns': 'emojivoto',
  'k8s.pod.ip': '10.244.0.15',
  'k8s.pod.uid': '6f3d2b1a-0c9e-4f8d-b7a6-5e4d3c2b1a09',
  'k8s.container.name': 'linkerd-proxy',
};

export const TRACE_AMBIENT: NormalizedTrace = {
  traceId: TA,
  spans: [
    {
      traceId: TA,
      spanId: 'c0ffee0000000001',
      kind: 'server',
      service: 'waypoint.bookinfo',
      name: 'reviews.bookinfo.svc.cluster.local:9080/*',
      startTimeUnixNano: '1772359240000000000',
      durationMicros: 4500,
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: {
        component: 'proxy',
        node_id:
          'waypoint~10.244.1.20~waypoint-7c9d8f6b5-x2k8p.bookinfo~bookinfo.svc.cluster.local',
        upstream_cluster:
          'inbound-vip|9080|http|reviews.bookinfo.svc.cluster.local',
        'istio.canonical_service': 'waypoint',
        'istio.namespace': 'bookinfo',
        'istio.source_workload': 'productpage-v1',
        'istio.source_namespace': 'bookinfo',
        'istio.source_canonical_service': 'productpage',
        'istio.destination_workload': 'reviews-v2',
        'istio.destination_namespace': 'bookinfo',
        'istio.destination_canonical_service': 'reviews',
        'http.status_code': '200',
      },
    },
  ],
};

export const TRACE_LINKERD: NormalizedTrace = {
  traceId: TL,
  spans: [
    {
      traceId: TL,
      spanId: '1000000000000002',
      parentSpanId: '1000000000000001',
      kind: 'server',
      service: 'linkerd-proxy',
      name: '/api/vote',
      startTimeUnixNano: '1772359250000200000',
      durationMicros: 8800,
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: {
        direction: 'inbound',
        'http.status_code': '200',
        'otel.scope.name': 'linkerd2-proxy',
        ...LINKERD_POD_ATTRIBUTES,
      },
    },
    {
      traceId: TL,
      spanId: '1000000000000004',
      parentSpanId: '1000000000000003',
      kind: 'client',
      service: 'linkerd-proxy',
      name: '/store',
      startTimeUnixNano: '1772359250004000000',
      durationMicros: 3000,
      isProxy: true,
      proxyDirection: 'outbound',
      attributes: {
        direction: 'outbound',
        'http.status_code': '200',
        'otel.scope.name': 'linkerd2-proxy',
        ...LINKERD_POD_ATTRIBUTES,
      },
    },
    {
      traceId: TL,
      spanId: '1000000000000003',
      parentSpanId: '1000000000000002',
      kind: 'server',
      service: 'voting',
      name: 'POST /api/vote',
      startTimeUnixNano: '1772359250001000000',
      durationMicros: 7000,
      isProxy: false,
      attributes: {
        'http.status_code': '200',
        'otel.scope.name':
          'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp',
        'k8s.namespace.name': 'emojivoto',
        'k8s.pod.name': POD,
        'k8s.deployment.name': 'voting',
      },
    },
  ],
};
