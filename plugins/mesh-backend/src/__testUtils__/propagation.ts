import {
  NormalizedSpan,
  NormalizedTrace,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';
import { FETCHED_AT } from './fixtures';

/**
 * Normalised traces for the trace-propagation tests: `checkout` in namespace `shop` (pod
 * `checkout-6b7f9c8d5-p0`, as deploymentWithPods names it) called by `frontend`, calling
 * `payments`, through an Istio sidecar, a Linkerd proxy or an ambient waypoint.
 */

export type HopMesh = 'istio' | 'linkerd' | 'waypoint';
/** ok: context carried; new-root: the outbound hop starts a trace; detached: it hangs off another trace. */
export type HopKind = 'ok' | 'new-root' | 'detached' | 'async' | 'inbound-only';

export const POD = 'checkout-6b7f9c8d5-p0';

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

let counter = 1;
const nextSpanId = () => hex(counter++, 16);

function istioAttrs(
  side: 'inbound' | 'outbound',
  pod: string,
  ns: string,
  app: string,
  peer = 'payments.shop.svc.cluster.local',
): Record<string, string> {
  return {
    component: 'proxy',
    node_id: `sidecar~10.0.0.9~${pod}.${ns}~${ns}.svc.cluster.local`,
    upstream_cluster:
      side === 'inbound' ? 'inbound|8080||' : `outbound|8080||${peer}`,
    'istio.canonical_service': app,
    'istio.namespace': ns,
  };
}

const LINKERD_CHECKOUT = {
  hostname: POD,
  app: 'checkout',
  'linkerd.io/proxy-deployment': 'checkout',
  'linkerd.io/workload-ns': 'shop',
};
const LINKERD_PAYMENTS = {
  hostname: 'payments-5c4d3b2a1-x1',
  app: 'payments',
  'linkerd.io/proxy-deployment': 'payments',
  'linkerd.io/workload-ns': 'shop',
};

function span(
  traceId: string,
  fields: Partial<NormalizedSpan> & Pick<NormalizedSpan, 'kind' | 'service'>,
): NormalizedSpan {
  return {
    traceId,
    spanId: nextSpanId(),
    name: 'GET /',
    isProxy: false,
    attributes: {},
    ...fields,
  };
}

/** The inbound proxy span of checkout, and the outbound one for `mesh`. */
function proxyPair(
  mesh: HopMesh,
  traceId: string,
): { inbound: Partial<NormalizedSpan>; outbound: Partial<NormalizedSpan> } {
  if (mesh === 'istio') {
    return {
      inbound: {
        kind: 'server',
        service: 'checkout.shop',
        isProxy: true,
        proxyDirection: 'inbound',
        attributes: istioAttrs('inbound', POD, 'shop', 'checkout'),
      },
      outbound: {
        kind: 'client',
        service: 'checkout.shop',
        isProxy: true,
        proxyDirection: 'outbound',
        attributes: istioAttrs('outbound', POD, 'shop', 'checkout'),
      },
    };
  }
  if (mesh === 'linkerd') {
    return {
      inbound: {
        kind: 'server',
        service: 'linkerd-proxy',
        isProxy: true,
        proxyDirection: 'inbound',
        attributes: { direction: 'inbound', ...LINKERD_CHECKOUT },
      },
      outbound: {
        kind: 'client',
        service: 'linkerd-proxy',
        isProxy: true,
        proxyDirection: 'outbound',
        attributes: { direction: 'outbound', ...LINKERD_CHECKOUT },
      },
    };
  }
  const wp = (src: string, dst: string): Record<string, string> => ({
    component: 'proxy',
    node_id: `waypoint~10.0.0.20~waypoint-7c9d8f6b5-x2k8p.shop~shop.svc.cluster.local`,
    upstream_cluster: `inbound-vip|8080|http|${dst}.shop.svc.cluster.local`,
    'istio.source_workload': src,
    'istio.source_namespace': 'shop',
    'istio.destination_workload': dst,
    'istio.destination_namespace': 'shop',
  });
  void traceId;
  return {
    inbound: {
      kind: 'server',
      service: 'waypoint.shop',
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: wp('frontend', 'checkout'),
    },
    outbound: {
      kind: 'server',
      service: 'waypoint.shop',
      isProxy: true,
      proxyDirection: 'inbound',
      attributes: wp('checkout', 'payments'),
    },
  };
}

/**
 * The trace(s) of one request into checkout that calls payments once, propagation as
 * `kind` says. A broken hop gives two traces: the caller's, ending at checkout's inbound
 * span, and the one its outbound call started.
 */
export function hop(
  mesh: HopMesh,
  kind: HopKind,
  index: number,
): NormalizedTrace[] {
  const t1 = hex(0xa000 + index, 32);
  const t2 = hex(0xb000 + index, 32);
  const pair = proxyPair(mesh, t1);
  const caller = span(t1, { kind: 'client', service: 'frontend' });
  const inbound = span(t1, {
    ...pair.inbound,
    parentSpanId: caller.spanId,
  } as NormalizedSpan);
  const app = span(t1, {
    kind: 'server',
    service: 'checkout',
    parentSpanId: inbound.spanId,
    attributes: { 'k8s.pod.name': POD, 'k8s.namespace.name': 'shop' },
  });
  const first: NormalizedTrace = { traceId: t1, spans: [caller, inbound, app] };
  if (kind === 'inbound-only') return [first];
  const downstream = (t: string, parent: string) =>
    mesh === 'linkerd'
      ? span(t, {
          kind: 'server',
          service: 'linkerd-proxy',
          isProxy: true,
          proxyDirection: 'inbound',
          parentSpanId: parent,
          attributes: { direction: 'inbound', ...LINKERD_PAYMENTS },
        })
      : span(t, {
          kind: 'server',
          service: 'payments.shop',
          isProxy: true,
          proxyDirection: 'inbound',
          parentSpanId: parent,
          attributes: istioAttrs(
            'inbound',
            'payments-5c4d3b2a1-x1',
            'shop',
            'payments',
          ),
        });
  if (kind === 'ok') {
    const appClient = span(t1, {
      kind: 'client',
      service: 'checkout',
      parentSpanId: app.spanId,
    });
    const out = span(t1, {
      ...pair.outbound,
      parentSpanId: appClient.spanId,
    } as NormalizedSpan);
    first.spans.push(appClient, out, downstream(t1, out.spanId));
    return [first];
  }
  if (kind === 'new-root' || kind === 'async') {
    const out = span(t2, {
      ...pair.outbound,
      ...(kind === 'async' ? { followsFrom: true } : {}),
    } as NormalizedSpan);
    return [first, { traceId: t2, spans: [out, downstream(t2, out.spanId)] }];
  }
  // detached: the app started its own root span and the proxy hangs off it.
  const root = span(t2, { kind: 'internal', service: 'checkout' });
  const out = span(t2, {
    ...pair.outbound,
    parentSpanId: root.spanId,
  } as NormalizedSpan);
  return [
    first,
    { traceId: t2, spans: [root, out, downstream(t2, out.spanId)] },
  ];
}

/** `n` hops of each kind, for mesh `mesh`. */
export function hops(
  mesh: HopMesh,
  counts: Partial<Record<HopKind, number>>,
): NormalizedTrace[] {
  const traces: NormalizedTrace[] = [];
  let i = 0;
  for (const [kind, n] of Object.entries(counts) as [HopKind, number][]) {
    for (let k = 0; k < n; k++) traces.push(...hop(mesh, kind, i++));
  }
  return traces;
}

/** A healthy tracing source outcome with these traces. */
export function tracingOutcome(
  traces: NormalizedTrace[],
  extra: Partial<TracingData> = {},
) {
  return {
    name: 'tracing' as const,
    configured: true,
    ok: true,
    fetchedAt: FETCHED_AT,
    data: {
      traces,
      perService: { 'checkout.shop': traces.length },
      problems: [],
      requests: 1,
      ...extra,
    },
  };
}
