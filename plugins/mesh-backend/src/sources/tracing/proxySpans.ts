import {
  NormalizedSpan,
  ProxyDirection,
  SpanKind,
} from '@mesh-readiness/plugin-mesh-node';
import { DEFAULT_TRACING_OPTIONS, TracingOptions } from './types';

/**
 * Pure helpers shared by every back end's mapper: how to tell a mesh proxy's span from an
 * application's, how ids and kinds are spelled by each API, and which attributes to keep.
 */

export interface ProxyClassification {
  isProxy: boolean;
  proxyDirection?: ProxyDirection;
}

/** What a mapper must know of the deployment to classify its spans. */
export type SpanMapping = Pick<TracingOptions, 'linkerdProxyService'>;

/** Istio's xDS node id is `<type>~<ip>~<pod>.<ns>~<ns>.svc.cluster.local`. */
const ISTIO_NODE_ID = /^(sidecar|waypoint|router|ztunnel)~/;
/** Sidecar inbound clusters are `inbound|<port>||`; waypoints use `inbound-vip|` / `inbound-pod|`. */
const INBOUND_CLUSTER = /^inbound(-vip|-pod)?\|/;
const OUTBOUND_CLUSTER = /^outbound\|/;

/**
 * Is this span emitted by a mesh proxy, and on which side of the hop?
 * - Istio (Envoy sidecar, gateway or ambient waypoint): tag `component=proxy`, or an
 *   `upstream_cluster` named `inbound|…` / `inbound-vip|…` / `outbound|…`, or a `node_id`
 *   of an Istio proxy (`sidecar~`, `waypoint~`, `router~`). The direction comes from the
 *   cluster name, else from the kind (Envoy's inbound listener makes server spans, its
 *   outbound listener client spans).
 * - Linkerd: service `linkerdProxyService` (`linkerd-proxy` by default); the direction
 *   only from its `direction` label, since each Linkerd proxy emits both server and client
 *   spans for one hop.
 */
export function classifyProxy(
  service: string,
  attributes: Record<string, string>,
  kind: SpanKind,
  linkerdProxyService: string = DEFAULT_TRACING_OPTIONS.linkerdProxyService,
): ProxyClassification {
  if (service === linkerdProxyService) {
    const direction = attributes.direction?.toLowerCase();
    return direction === 'inbound' || direction === 'outbound'
      ? { isProxy: true, proxyDirection: direction }
      : { isProxy: true };
  }
  const cluster = attributes.upstream_cluster ?? '';
  let clusterDirection: ProxyDirection | undefined;
  if (INBOUND_CLUSTER.test(cluster)) clusterDirection = 'inbound';
  else if (OUTBOUND_CLUSTER.test(cluster)) clusterDirection = 'outbound';
  const isEnvoy =
    attributes.component === 'proxy' ||
    clusterDirection !== undefined ||
    ISTIO_NODE_ID.test(attributes.node_id ?? '');
  if (!isEnvoy) return { isProxy: false };
  let direction = clusterDirection;
  if (!direction && kind === 'server') direction = 'inbound';
  if (!direction && kind === 'client') direction = 'outbound';
  return direction
    ? { isProxy: true, proxyDirection: direction }
    : { isProxy: true };
}

// ---------------------------------------------------------------------------------------
// Ids

export type IdEncoding = 'hex' | 'base64' | 'auto';

const HEX = /^[0-9a-f]+$/i;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export class InvalidIdError extends Error {}

/** Lowercase, validated, left-padded hex. Accepts ids with their leading zeros trimmed (Tempo search). */
export function normalizeHexId(raw: string, width: 16 | 32): string {
  const id = raw.trim().toLowerCase();
  if (!id || !HEX.test(id) || id.length > width) {
    throw new InvalidIdError(
      `'${raw}' is not a hex id of at most ${width} digits`,
    );
  }
  return id.padStart(width, '0');
}

/** Base64 (standard or URL-safe, padded or not) to lowercase hex, e.g. `1gZXnld4dYc=` → `d606579e57787587`. */
export function base64ToHex(raw: string): string {
  const id = raw.trim();
  if (!id || !BASE64.test(id)) {
    throw new InvalidIdError(`'${raw}' is not base64`);
  }
  return Buffer.from(
    id,
    id.includes('-') || id.includes('_') ? 'base64url' : 'base64',
  ).toString('hex');
}

function normalizeId(
  raw: string,
  width: 16 | 32,
  encoding: IdEncoding,
  what: string,
): string {
  const id = raw.trim();
  if (encoding !== 'base64' && HEX.test(id) && id.length <= width) {
    return normalizeHexId(id, width);
  }
  if (encoding !== 'hex' && BASE64.test(id)) {
    const hex = base64ToHex(id);
    // 16 bytes for a trace id (8 when a 64-bit id was not padded), 8 for a span id.
    const bytes = hex.length / 2;
    if (bytes === width / 2 || (width === 32 && bytes === 8)) {
      return hex.padStart(width, '0');
    }
  }
  throw new InvalidIdError(
    `${what} '${raw}' is neither a hex id (at most ${width} digits) nor a base64 id (${
      width / 2
    } bytes)`,
  );
}

/**
 * A trace id as 32 lowercase hex digits. `auto` reads an id that is all hex digits and
 * short enough as hex (Jaeger, Zipkin, OTLP-JSON, Tempo search), and anything else as
 * base64 (Tempo's gogo-jsonpb trace documents): a base64 id of 16 bytes is 24 characters
 * ending in `==`, so the two never collide.
 */
export function normalizeTraceId(
  raw: string,
  encoding: IdEncoding = 'auto',
): string {
  return normalizeId(raw, 32, encoding, 'trace id');
}

/** A span id as 16 lowercase hex digits; see `normalizeTraceId`. */
export function normalizeSpanId(
  raw: string,
  encoding: IdEncoding = 'auto',
): string {
  return normalizeId(raw, 16, encoding, 'span id');
}

/** A parent span id, or undefined for "none": absent, empty, or all zeros. */
export function normalizeParentSpanId(
  raw: string | null | undefined,
  encoding: IdEncoding = 'auto',
): string | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  const id = normalizeSpanId(raw, encoding);
  return /^0+$/.test(id) ? undefined : id;
}

// ---------------------------------------------------------------------------------------
// Kinds

const KIND_BY_NUMBER: SpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

/**
 * Every spelling of a span kind: the OTLP enum as an integer (0..5, Jaeger api_v3) or as
 * its name (`SPAN_KIND_SERVER`, Tempo), Jaeger v1's `span.kind` tag (`server`), Zipkin's
 * `kind` (`SERVER`). Anything else, or nothing, is `unspecified`.
 */
export function normalizeKind(raw: unknown): SpanKind {
  if (typeof raw === 'number') {
    return Number.isInteger(raw)
      ? KIND_BY_NUMBER[raw] ?? 'unspecified'
      : 'unspecified';
  }
  if (typeof raw !== 'string') return 'unspecified';
  const value = raw.trim();
  if (/^\d+$/.test(value)) return normalizeKind(Number(value));
  const name = value.toLowerCase().replace(/^span_kind_/, '');
  return (KIND_BY_NUMBER as string[]).includes(name)
    ? (name as SpanKind)
    : 'unspecified';
}

// ---------------------------------------------------------------------------------------
// Attributes

/**
 * The attributes a normalised span keeps, under their canonical key. Aliases map newer or
 * older spellings onto one key, so analyses read one name whatever the tracer wrote.
 */
export const KEPT_ATTRIBUTES: Record<string, string> = {
  component: 'component',
  upstream_cluster: 'upstream_cluster',
  'upstream_cluster.name': 'upstream_cluster',
  node_id: 'node_id',
  'istio.canonical_service': 'istio.canonical_service',
  'istio.namespace': 'istio.namespace',
  'peer.service': 'peer.service',
  direction: 'direction',
  'http.status_code': 'http.status_code',
  'http.response.status_code': 'http.status_code',
  'otel.scope.name': 'otel.scope.name',
  'otel.library.name': 'otel.scope.name',
  // The pod and workload a span came from (OTel Kubernetes resource conventions), set by
  // an SDK, OTEL_RESOURCE_ATTRIBUTES, or a collector's k8sattributes processor.
  ...Object.fromEntries(
    [
      'k8s.pod.name',
      'k8s.pod.uid',
      'k8s.pod.ip',
      'k8s.namespace.name',
      'k8s.container.name',
      'k8s.deployment.name',
      'k8s.statefulset.name',
      'k8s.daemonset.name',
      'k8s.replicaset.name',
      'k8s.job.name',
      'k8s.cronjob.name',
    ].map(k => [k, k]),
  ),
};

/** An Istio waypoint names both ends of the hop it carries (`istio.source_workload`…). */
const ISTIO_PEER_ATTRIBUTE = /^istio\.(source|destination)_[a-z_]+$/;

/**
 * The pod labels a Linkerd proxy puts on its spans (its downward-API labels file) that
 * name the workload, and its `hostname` (the pod's name). Names such as `app` or
 * `hostname` mean something else on other spans, so only Linkerd proxy spans keep them.
 */
export const LINKERD_POD_LABELS: ReadonlySet<string> = new Set([
  'hostname',
  'app',
  'version',
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'linkerd.io/workload-ns',
  'linkerd.io/proxy-deployment',
  'linkerd.io/proxy-statefulset',
  'linkerd.io/proxy-daemonset',
  'linkerd.io/proxy-replicaset',
  'linkerd.io/proxy-replicationcontroller',
  'linkerd.io/proxy-job',
  'linkerd.io/proxy-cronjob',
  'linkerd.io/proxy-root-parent',
]);

function canonicalKey(key: string): string | undefined {
  // hasOwn: a tag named `constructor` must not find Object.prototype's.
  if (Object.hasOwn(KEPT_ATTRIBUTES, key)) return KEPT_ATTRIBUTES[key];
  if (ISTIO_PEER_ATTRIBUTE.test(key) || LINKERD_POD_LABELS.has(key)) return key;
  return undefined;
}

/**
 * Adds an attribute if it is one of the kept ones. The first value written under a
 * canonical key wins, so call it with the preferred spelling first (span before process).
 * Linkerd's pod labels are kept here and dropped by `buildSpan` from other spans.
 */
export function keepAttribute(
  out: Record<string, string>,
  key: string,
  value: unknown,
): void {
  const canonical = canonicalKey(key);
  if (!canonical || out[canonical] !== undefined) return;
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  ) {
    out[canonical] = String(value);
  }
}

/**
 * Builds a normalised span from what a mapper read, classifying it as proxy or app span.
 * Optional fields are left out rather than set to undefined.
 */
export function buildSpan(
  fields: Omit<NormalizedSpan, 'isProxy' | 'proxyDirection'>,
  mapping: SpanMapping = DEFAULT_TRACING_OPTIONS,
): NormalizedSpan {
  const isLinkerd = fields.service === mapping.linkerdProxyService;
  const attributes = isLinkerd
    ? fields.attributes
    : Object.fromEntries(
        Object.entries(fields.attributes).filter(
          ([k]) => !LINKERD_POD_LABELS.has(k),
        ),
      );
  const proxy = classifyProxy(
    fields.service,
    attributes,
    fields.kind,
    mapping.linkerdProxyService,
  );
  const span: NormalizedSpan = {
    traceId: fields.traceId,
    spanId: fields.spanId,
    kind: fields.kind,
    service: fields.service,
    name: fields.name,
    isProxy: proxy.isProxy,
    attributes,
  };
  if (fields.parentSpanId !== undefined)
    span.parentSpanId = fields.parentSpanId;
  if (fields.startTimeUnixNano !== undefined) {
    span.startTimeUnixNano = fields.startTimeUnixNano;
  }
  if (fields.durationMicros !== undefined)
    span.durationMicros = fields.durationMicros;
  if (proxy.proxyDirection) span.proxyDirection = proxy.proxyDirection;
  if (fields.followsFrom) span.followsFrom = true;
  return span;
}

/** The OTel SDK's service name when the resource has none. */
export const UNKNOWN_SERVICE = 'unknown_service';
