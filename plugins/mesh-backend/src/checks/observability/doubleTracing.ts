/**
 * Double tracing: a workload's inbound mesh proxy span whose direct child is a server
 * span from the app itself, for the same request. The proxy already records the hop; the
 * app's HTTP server instrumentation records it a second time. Pure; reads the span model.
 */
import {
  EntityWorkload,
  NormalizedSpan,
  NormalizedTrace,
  TracingData,
} from '@mesh-readiness/plugin-mesh-node';
import { parseNodeId, proxySpanSide } from '../../context/spans';

export interface DoubleTracedHop {
  traceId: string;
  /** The workload's inbound proxy span. */
  proxySpanId: string;
  /** The app's server span, a direct child of the proxy span. */
  appSpanId: string;
  /** The app span's trace service name. */
  appService: string;
  /** The instrumentation that made the app span (`otel.scope.name`), when known. */
  scope?: string;
}

export interface DoubleTracingResult {
  /** Requests into the workload whose proxy spans were sampled (topmost proxy span each). */
  inboundHops: number;
  /** Hops whose proxy span has an app server span as a direct child. */
  doubled: DoubleTracedHop[];
}

interface IndexedSpan {
  trace: NormalizedTrace;
  span: NormalizedSpan;
}

interface TracingIndex {
  /** Proxy spans by the namespace they name ('' when they name none). */
  proxyByNamespace: Map<string, IndexedSpan[]>;
  /** `traceId/spanId` → the non-proxy server spans whose causal parent it is. */
  appServerChildren: Map<string, NormalizedSpan[]>;
}

const indexes = new WeakMap<TracingData, TracingIndex>();

/** The namespaces a proxy span names, so a workload only looks at its namespace's spans. */
function namespacesOf(span: NormalizedSpan): string[] {
  const a = span.attributes;
  const found = [
    parseNodeId(a.node_id)?.namespace,
    a['istio.namespace'],
    a['k8s.namespace.name'],
    a['linkerd.io/workload-ns'],
    a['istio.source_namespace'],
    a['istio.destination_namespace'],
  ].filter((n): n is string => Boolean(n));
  if (found.length > 0) return [...new Set(found)];
  // Istio's default trace service name `<app>.<namespace>`.
  const dot = span.service.lastIndexOf('.');
  return [dot > 0 ? span.service.slice(dot + 1) : ''];
}

/** Built once per cluster's tracing data: every workload of a fleet asks. */
function indexOf(tracing: TracingData): TracingIndex {
  const cached = indexes.get(tracing);
  if (cached) return cached;
  const index: TracingIndex = {
    proxyByNamespace: new Map(),
    appServerChildren: new Map(),
  };
  for (const trace of tracing.traces) {
    for (const span of trace.spans) {
      if (span.isProxy) {
        for (const ns of namespacesOf(span)) {
          const list = index.proxyByNamespace.get(ns) ?? [];
          list.push({ trace, span });
          index.proxyByNamespace.set(ns, list);
        }
      } else if (
        span.kind === 'server' &&
        span.parentSpanId &&
        !span.followsFrom
      ) {
        const key = `${trace.traceId}/${span.parentSpanId}`;
        const list = index.appServerChildren.get(key) ?? [];
        list.push(span);
        index.appServerChildren.set(key, list);
      }
    }
  }
  indexes.set(tracing, index);
  return index;
}

/** The app server spans directly under the workload's inbound proxy spans in the sample. */
export function findDoubleTracing(
  tracing: TracingData,
  w: EntityWorkload,
): DoubleTracingResult {
  const index = indexOf(tracing);
  const opts = { linkerdProxyService: tracing.linkerdProxyService };
  const candidates = [
    ...(index.proxyByNamespace.get(w.workload.namespace) ?? []),
    ...(index.proxyByNamespace.get('') ?? []),
  ];
  // The workload's inbound proxy spans (a Linkerd proxy has a server and a client span
  // per hop, a waypoint may too), by trace.
  const inbound = new Map<string, IndexedSpan>();
  for (const c of candidates) {
    if (proxySpanSide(c.span, w, opts)?.direction === 'inbound') {
      inbound.set(`${c.trace.traceId}/${c.span.spanId}`, c);
    }
  }
  let inboundHops = 0;
  const doubled: DoubleTracedHop[] = [];
  for (const [key, { trace, span }] of inbound) {
    // One hop per chain of the workload's inbound proxy spans: count the topmost.
    if (
      !span.parentSpanId ||
      !inbound.has(`${trace.traceId}/${span.parentSpanId}`)
    ) {
      inboundHops += 1;
    }
    for (const app of index.appServerChildren.get(key) ?? []) {
      const scope = app.attributes['otel.scope.name'];
      doubled.push({
        traceId: trace.traceId,
        proxySpanId: span.spanId,
        appSpanId: app.spanId,
        appService: app.service,
        ...(scope ? { scope } : {}),
      });
    }
  }
  return { inboundHops, doubled };
}
