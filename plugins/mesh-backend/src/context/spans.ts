import {
  EntityWorkload,
  NormalizedSpan,
  NormalizedTrace,
  ProxyDirection,
} from '@mesh-readiness/plugin-mesh-node';

/**
 * Which spans of a trace are one workload's mesh proxy spans, and on which side of the
 * workload they sit. Pure; the trace-propagation and double-instrumentation checks share it.
 *
 * - Istio sidecar (and gateway) spans: tied to the workload by the pod in `node_id`
 *   (`sidecar~<ip>~<pod>.<ns>~…`) or `k8s.pod.name`, else by `istio.canonical_service` +
 *   `istio.namespace`, else by the trace service name `<app>.<ns>`. The side is the
 *   span's own `proxyDirection` (`inbound|…` / `outbound|…` cluster, else its kind).
 * - Istio ambient waypoint spans: they name both ends of the hop
 *   (`istio.source_workload` / `istio.destination_workload` + `_namespace`), so one span
 *   is the source workload's outbound hop and the destination workload's inbound hop.
 * - Linkerd proxy spans (trace service `linkerdProxyService`): tied by their pod labels,
 *   `linkerd.io/workload-ns` + `linkerd.io/proxy-<kind>`, or the pod's name (`hostname`,
 *   `k8s.pod.name`); the side is their `direction` label.
 */

export interface SpanAttributionOptions {
  /** The trace service name of Linkerd's proxies (TracingData.linkerdProxyService). */
  linkerdProxyService?: string;
}

export type ProxySpanVia = 'sidecar' | 'waypoint' | 'linkerd';

export interface AttributedSpan {
  span: NormalizedSpan;
  /** The side of THIS workload the span is on. */
  direction: ProxyDirection;
  via: ProxySpanVia;
}

export interface WorkloadProxySpans {
  /** Proxy spans of requests into the workload (server side, for Istio sidecars). */
  inbound: AttributedSpan[];
  /** Proxy spans of requests the workload sends (client side, for Istio sidecars). */
  outbound: AttributedSpan[];
}

export const DEFAULT_LINKERD_PROXY_SERVICE = 'linkerd-proxy';

const NODE_ID = /^(sidecar|router|waypoint|ztunnel)~[^~]*~([^~]+)~/;

interface ParsedNodeId {
  type: string;
  pod: string;
  namespace?: string;
}

/** `sidecar~10.0.0.1~reviews-v1-abc.default~default.svc.cluster.local` → type, pod, ns. */
export function parseNodeId(
  nodeId: string | undefined,
): ParsedNodeId | undefined {
  const m = NODE_ID.exec(nodeId ?? '');
  if (!m) return undefined;
  const podDotNs = m[2];
  const dot = podDotNs.lastIndexOf('.');
  // Pod names may contain dots; the namespace (a DNS label) cannot.
  return dot > 0
    ? {
        type: m[1],
        pod: podDotNs.slice(0, dot),
        namespace: podDotNs.slice(dot + 1),
      }
    : { type: m[1], pod: podDotNs };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface WorkloadNames {
  namespace: string;
  pods: Set<string>;
  /** Pods of the workload that have since been replaced: generated names. */
  podPattern: RegExp;
  /** Canonical service / app names of the workload's pods and template. */
  names: Set<string>;
  /** `linkerd.io/proxy-<kind>` label name and value for its pods. */
  linkerdKind: string;
  workloadName: string;
}

const namesCache = new WeakMap<EntityWorkload, WorkloadNames>();

function workloadNames(w: EntityWorkload): WorkloadNames {
  const cached = namesCache.get(w);
  if (cached) return cached;
  const { workload } = w;
  const names = new Set<string>();
  const addNames = (labels: Record<string, string>) => {
    for (const key of [
      'service.istio.io/canonical-name',
      'app.kubernetes.io/name',
      'app',
    ]) {
      if (labels[key]) names.add(labels[key]);
    }
  };
  addNames(workload.templateLabels);
  workload.pods.forEach(p => addNames(p.labels));
  // Istio's canonical service falls back to the workload's name.
  names.add(workload.name);
  const name = escapeRegExp(workload.name);
  let podPattern: RegExp;
  switch (workload.kind) {
    case 'Deployment':
      podPattern = new RegExp(`^${name}-[a-z0-9]{1,10}-[a-z0-9]{5}$`);
      break;
    case 'StatefulSet':
      podPattern = new RegExp(`^${name}-\\d+$`);
      break;
    case 'Pod':
      podPattern = new RegExp(`^${name}$`);
      break;
    default:
      podPattern = new RegExp(`^${name}-[a-z0-9]{5}$`);
  }
  const result: WorkloadNames = {
    namespace: workload.namespace,
    pods: new Set(workload.pods.map(p => p.name)),
    podPattern,
    names,
    linkerdKind: `linkerd.io/proxy-${workload.kind.toLowerCase()}`,
    workloadName: workload.name,
  };
  namesCache.set(w, result);
  return result;
}

function podMatches(pod: string, n: WorkloadNames): boolean {
  return n.pods.has(pod) || n.podPattern.test(pod);
}

function isWaypointSpan(span: NormalizedSpan): boolean {
  const a = span.attributes;
  if (parseNodeId(a.node_id)?.type === 'waypoint') return true;
  return (
    a['istio.source_workload'] !== undefined ||
    a['istio.destination_workload'] !== undefined
  );
}

/** Does this Istio proxy span (sidecar or gateway) come from one of the workload's pods? */
function istioSpanIsWorkload(span: NormalizedSpan, n: WorkloadNames): boolean {
  const a = span.attributes;
  const node = parseNodeId(a.node_id);
  const namespace =
    node?.namespace ?? a['istio.namespace'] ?? a['k8s.namespace.name'];
  if (namespace !== undefined && namespace !== n.namespace) return false;
  const pod = node?.pod ?? a['k8s.pod.name'];
  if (pod) return podMatches(pod, n);
  const canonical = a['istio.canonical_service'];
  if (canonical) return namespace !== undefined && n.names.has(canonical);
  // Only the trace service name is left: Istio's default `<app>.<namespace>`.
  const dot = span.service.lastIndexOf('.');
  return (
    dot > 0 &&
    span.service.slice(dot + 1) === n.namespace &&
    n.names.has(span.service.slice(0, dot))
  );
}

/** Which end of a waypoint's hop the workload is, if any. */
function waypointSide(
  span: NormalizedSpan,
  n: WorkloadNames,
): ProxyDirection | undefined {
  const a = span.attributes;
  const end = (prefix: 'source' | 'destination') => {
    const workload = a[`istio.${prefix}_workload`];
    const namespace = a[`istio.${prefix}_namespace`];
    if (namespace !== undefined && namespace !== n.namespace) return false;
    if (workload !== undefined) return workload === n.workloadName;
    const canonical = a[`istio.${prefix}_canonical_service`];
    return (
      canonical !== undefined &&
      namespace !== undefined &&
      n.names.has(canonical)
    );
  };
  if (end('destination')) return 'inbound';
  if (end('source')) return 'outbound';
  return undefined;
}

function linkerdSpanIsWorkload(
  span: NormalizedSpan,
  n: WorkloadNames,
): boolean {
  const a = span.attributes;
  const namespace = a['linkerd.io/workload-ns'] ?? a['k8s.namespace.name'];
  if (namespace !== undefined && namespace !== n.namespace) return false;
  const owner = a[n.linkerdKind];
  if (owner !== undefined) return owner === n.workloadName;
  const pod = a.hostname ?? a['k8s.pod.name'];
  if (pod) return podMatches(pod, n);
  return false;
}

/**
 * The side of workload `w` a span is on, when it is one of w's mesh proxy spans;
 * undefined for app spans, other workloads' proxy spans, and proxy spans whose side
 * cannot be told.
 */
export function proxySpanSide(
  span: NormalizedSpan,
  w: EntityWorkload,
  opts: SpanAttributionOptions = {},
): { direction: ProxyDirection; via: ProxySpanVia } | undefined {
  if (!span.isProxy) return undefined;
  const n = workloadNames(w);
  const linkerdService =
    opts.linkerdProxyService ?? DEFAULT_LINKERD_PROXY_SERVICE;
  if (span.service === linkerdService) {
    if (!span.proxyDirection || !linkerdSpanIsWorkload(span, n))
      return undefined;
    return { direction: span.proxyDirection, via: 'linkerd' };
  }
  if (isWaypointSpan(span)) {
    const direction = waypointSide(span, n);
    return direction ? { direction, via: 'waypoint' } : undefined;
  }
  if (!span.proxyDirection || !istioSpanIsWorkload(span, n)) return undefined;
  return { direction: span.proxyDirection, via: 'sidecar' };
}

/**
 * The workload's proxy spans in one trace, split by side. Stable API: the
 * trace-propagation and double-instrumentation checks import it.
 */
export function workloadProxySpans(
  trace: NormalizedTrace,
  w: EntityWorkload,
  opts: SpanAttributionOptions = {},
): WorkloadProxySpans {
  const out: WorkloadProxySpans = { inbound: [], outbound: [] };
  for (const span of trace.spans) {
    const side = proxySpanSide(span, w, opts);
    if (side) out[side.direction].push({ span, ...side });
  }
  return out;
}

/** Spans of a trace by span id, for walking parents. */
export function spansById(trace: NormalizedTrace): Map<string, NormalizedSpan> {
  const byId = new Map<string, NormalizedSpan>();
  for (const span of trace.spans) {
    if (!byId.has(span.spanId)) byId.set(span.spanId, span);
  }
  return byId;
}

// ---------------------------------------------------------------------------------------
// An index of a cluster's traces by the workload names their proxy spans carry, so that
// finding one workload's traces does not scan the whole cluster's (5,000 services × 20
// traces each would make every check quadratic).

type TraceIndex = Map<string, Set<NormalizedTrace>>;
const indexes = new WeakMap<object, { service: string; index: TraceIndex }>();

/** `a-b-c` → `a`, `a-b`, `a-b-c`: a pod is found by its workload's name as a prefix. */
function dashPrefixes(name: string): string[] {
  const parts = name.split('-');
  return parts.map((_, i) => parts.slice(0, i + 1).join('-'));
}

function spanKeys(span: NormalizedSpan, linkerdService: string): string[] {
  const a = span.attributes;
  const keys: string[] = [];
  const pod = (ns: string | undefined, name: string | undefined) => {
    if (name)
      dashPrefixes(name).forEach(p => keys.push(`pod:${ns ?? '*'}/${p}`));
  };
  if (span.service === linkerdService) {
    const ns = a['linkerd.io/workload-ns'] ?? a['k8s.namespace.name'];
    for (const [k, v] of Object.entries(a)) {
      if (k.startsWith('linkerd.io/proxy-'))
        keys.push(`name:${ns ?? '*'}/${v}`);
    }
    pod(ns, a.hostname ?? a['k8s.pod.name']);
    return keys;
  }
  for (const end of ['source', 'destination']) {
    const ns = a[`istio.${end}_namespace`] ?? '*';
    if (a[`istio.${end}_workload`])
      keys.push(`name:${ns}/${a[`istio.${end}_workload`]}`);
    if (a[`istio.${end}_canonical_service`]) {
      keys.push(`name:${ns}/${a[`istio.${end}_canonical_service`]}`);
    }
  }
  const node = parseNodeId(a.node_id);
  const ns = node?.namespace ?? a['istio.namespace'] ?? a['k8s.namespace.name'];
  pod(ns, node?.pod ?? a['k8s.pod.name']);
  if (a['istio.canonical_service']) {
    keys.push(`name:${ns ?? '*'}/${a['istio.canonical_service']}`);
  }
  const dot = span.service.lastIndexOf('.');
  if (dot > 0) {
    keys.push(
      `name:${span.service.slice(dot + 1)}/${span.service.slice(0, dot)}`,
    );
  }
  return keys;
}

function traceIndex(
  traces: NormalizedTrace[],
  linkerdService: string,
): TraceIndex {
  const cached = indexes.get(traces);
  if (cached && cached.service === linkerdService) return cached.index;
  const index: TraceIndex = new Map();
  for (const trace of traces) {
    for (const span of trace.spans) {
      if (!span.isProxy) continue;
      for (const key of spanKeys(span, linkerdService)) {
        let set = index.get(key);
        if (!set) index.set(key, (set = new Set()));
        set.add(trace);
      }
    }
  }
  indexes.set(traces, { service: linkerdService, index });
  return index;
}

const orders = new WeakMap<object, Map<NormalizedTrace, number>>();

function traceOrder(traces: NormalizedTrace[]): Map<NormalizedTrace, number> {
  let order = orders.get(traces);
  if (!order) {
    order = new Map(traces.map((t, i) => [t, i]));
    orders.set(traces, order);
  }
  return order;
}

/**
 * The traces among `traces` that may hold proxy spans of workload `w` (a superset:
 * `workloadProxySpans` / `proxySpanSide` decide), in their original order. Indexed once
 * per traces array, so asking for every workload of a cluster stays linear.
 */
export function workloadTraces(
  traces: NormalizedTrace[],
  w: EntityWorkload,
  opts: SpanAttributionOptions = {},
): NormalizedTrace[] {
  const index = traceIndex(
    traces,
    opts.linkerdProxyService ?? DEFAULT_LINKERD_PROXY_SERVICE,
  );
  const n = workloadNames(w);
  const keys = new Set<string>();
  for (const ns of [n.namespace, '*']) {
    keys.add(`pod:${ns}/${n.workloadName}`);
    n.pods.forEach(p => keys.add(`pod:${ns}/${p}`));
    n.names.forEach(name => keys.add(`name:${ns}/${name}`));
  }
  const found = new Set<NormalizedTrace>();
  for (const key of keys) index.get(key)?.forEach(t => found.add(t));
  if (found.size === traces.length) return traces;
  const order = traceOrder(traces);
  return [...found].sort((a, b) => order.get(a)! - order.get(b)!);
}
