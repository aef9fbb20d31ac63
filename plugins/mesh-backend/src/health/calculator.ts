import { HealthRatio } from '@mesh-readiness/plugin-mesh-common';
import {
  EntityHealth,
  EntityTraffic,
  RequestProtocol,
} from '@mesh-readiness/plugin-mesh-node';
import { histogramQuantile } from './histogram';
import { codePattern, fullMatch, Tolerance } from './tolerances';

/** One response class of one protocol: what a tolerance's code is matched against. */
interface Response {
  protocol: RequestProtocol;
  code: string;
  grpcStatus?: string;
  rate: number;
}

export interface HealthInput {
  traffic: EntityTraffic;
  tolerances: Tolerance[];
  window: string;
  /** Whether any of the entity's workloads is meshed (a proxy or ambient capture). */
  meshed: boolean;
  /** Whether every meshed workload is ambient (no sidecar to report L7). */
  ambientOnly: boolean;
  /** Why the tolerances could not be read (an invalid annotation). */
  toleranceError?: string;
}

const round = (value: number | null, digits: number) =>
  value === null || !Number.isFinite(value)
    ? null
    : Math.round(value * 10 ** digits) / 10 ** digits;

export function pct(ratio: number): string {
  return `${(Math.round(ratio * 10000) / 100).toString()}%`;
}

const keyOf = (r: Response) => `${r.protocol}|${r.code}|${r.grpcStatus ?? ''}`;

function sumByKey(rows: Response[]): Map<string, Response> {
  const out = new Map<string, Response>();
  for (const r of rows) {
    const k = keyOf(r);
    const existing = out.get(k);
    if (existing) existing.rate += r.rate;
    else out.set(k, { ...r });
  }
  return out;
}

/**
 * The requests a workload received: its own proxy's report, merged with what its
 * callers' proxies reported, keeping the higher rate per response (as Kiali does).
 * Requests a caller's Envoy failed itself (no healthy upstream, no route) exist only in
 * the callers' reports.
 */
export function mergeInbound(traffic: EntityTraffic): Response[] {
  const own = sumByKey(traffic.inbound.filter(r => r.protocol !== 'tcp'));
  const callers = sumByKey(
    traffic.sourceReported.filter(r => r.protocol !== 'tcp'),
  );
  for (const [k, r] of callers) {
    const mine = own.get(k);
    if (!mine || r.rate > mine.rate) own.set(k, r);
  }
  return [...own.values()];
}

function matches(t: Tolerance, r: Response): boolean {
  const re = codePattern(t.code);
  return (
    re.test(r.code) || (r.grpcStatus !== undefined && re.test(r.grpcStatus))
  );
}

/**
 * Applies the tolerances to the requests of one direction, protocol by protocol: a
 * gRPC error ratio is judged on gRPC traffic alone, an HTTP one on HTTP traffic alone.
 */
export function applyTolerances(
  direction: 'inbound' | 'outbound',
  responses: Response[],
  tolerances: Tolerance[],
): HealthRatio[] {
  const out: HealthRatio[] = [];
  for (const protocol of ['http', 'grpc'] as const) {
    const rows = responses.filter(r => r.protocol === protocol);
    const total = rows.reduce((s, r) => s + r.rate, 0);
    if (!(total > 0)) continue;
    for (const t of tolerances) {
      if (
        !fullMatch(t.direction, direction) ||
        !fullMatch(t.protocol, protocol)
      )
        continue;
      const errors = rows
        .filter(r => matches(t, r))
        .reduce((s, r) => s + r.rate, 0);
      const ratio = errors / total;
      let status: HealthRatio['status'] = 'healthy';
      if (ratio > 0 && ratio * 100 >= t.failure) status = 'failing';
      else if (
        t.degraded === undefined
          ? ratio > 0
          : ratio > 0 && ratio * 100 >= t.degraded
      )
        status = 'degraded';
      out.push({ direction, protocol, code: t.code, ratio, status });
    }
  }
  return out;
}

const RANK = { healthy: 0, degraded: 1, failing: 2 } as const;

/** `5XX` → `5xx`, `-` → `no-response`, the gRPC status pattern → `gRPC error`. */
function codeLabel(code: string): string {
  if (/^[0-9X]+$/.test(code)) return code.replace(/X/g, 'x');
  if (code === '-') return 'no-response';
  if (code === '^[1-9]$|^1[0-6]$') return 'gRPC error';
  return `'${code}'`;
}

function threshold(t: Tolerance | undefined, status: HealthRatio['status']) {
  if (!t) return '';
  if (status === 'failing') return ` (failing at ≥ ${t.failure}%)`;
  return t.degraded === undefined
    ? ` (any share is degraded; failing at ≥ ${t.failure}%)`
    : ` (degraded at ≥ ${t.degraded}%)`;
}

function isServerError(r: Response): boolean {
  return (
    r.code === '-' ||
    /^5\d\d$/.test(r.code) ||
    (r.protocol === 'grpc' &&
      r.grpcStatus !== undefined &&
      /^([1-9]|1[0-6])$/.test(r.grpcStatus))
  );
}

function unknownHealth(
  window: string,
  reason: string,
  signal: EntityHealth['signal'],
  extra: Partial<EntityHealth> = {},
): EntityHealth {
  return {
    status: 'unknown',
    signal,
    requestsPerSecond: null,
    successRate: null,
    latencyMs: { p50: null, p95: null, p99: null },
    window,
    reason,
    ...extra,
  };
}

function tcpSummary(traffic: EntityTraffic): EntityHealth['tcp'] {
  const connections = traffic.tcp.reduce(
    (s, t) => s + t.connectionsPerSecond,
    0,
  );
  const bytes = traffic.tcp.reduce((s, t) => s + t.receivedBytesPerSecond, 0);
  const mtls = traffic.tcp
    .filter(t => t.security === 'mutual_tls')
    .reduce((s, t) => s + t.connectionsPerSecond, 0);
  return {
    connectionsPerSecond: round(connections, 3) ?? 0,
    receivedBytesPerSecond: round(bytes, 1) ?? 0,
    mtlsShare: connections > 0 ? round(mtls / connections, 5) : null,
  };
}

/**
 * The golden signals of one entity, judged once per entity: Kiali's health calculation
 * (tolerances per protocol and direction, the worst wins) over the entity's inbound
 * requests, merged with what its callers' proxies saw, and its outbound requests.
 */
export function calculateHealth(input: HealthInput): EntityHealth {
  const { traffic, window } = input;
  if (input.toleranceError)
    return unknownHealth(window, input.toleranceError, 'none');
  const l7Rows = traffic.inbound.length + traffic.sourceReported.length;
  if (l7Rows === 0 && traffic.outbound.length === 0) {
    if (traffic.tcp.length > 0) {
      return unknownHealth(
        window,
        input.ambientOnly
          ? 'ambient without a waypoint: ztunnel reports only L4 (connections, bytes, mTLS); request rate, success rate and latency need a waypoint'
          : 'only L4 (TCP) traffic is reported; request rate, success rate and latency apply to HTTP and gRPC',
        'l4',
        { tcp: tcpSummary(traffic) },
      );
    }
    return unknownHealth(
      window,
      input.meshed
        ? `no mesh series for these workloads in the last ${window} (is Prometheus scraping their proxies?)`
        : 'not meshed: no proxy reports this service’s traffic',
      'none',
    );
  }

  const inbound = mergeInbound(traffic);
  const outbound: Response[] = traffic.outbound.filter(
    r => r.protocol !== 'tcp',
  );
  const rps = inbound.reduce((s, r) => s + r.rate, 0);
  const flags: Record<string, number> = {};
  for (const r of traffic.sourceReported) {
    if (r.responseFlags !== '-' && r.rate > 0)
      flags[r.responseFlags] = round(
        (flags[r.responseFlags] ?? 0) + r.rate,
        4,
      )!;
  }
  const base = {
    window,
    ...(Object.keys(flags).length > 0 ? { responseFlags: flags } : {}),
    ...(traffic.tcp.length > 0 ? { tcp: tcpSummary(traffic) } : {}),
  };
  const outboundTotal = outbound.reduce((s, r) => s + r.rate, 0);
  if (!(rps > 0) && !(outboundTotal > 0)) {
    return {
      ...base,
      status: 'idle',
      signal: 'l7',
      requestsPerSecond: 0,
      successRate: null,
      latencyMs: { p50: null, p95: null, p99: null },
      errorRates: { clientErrors: null, serverErrors: null },
      reason: `no requests through the mesh in the last ${window}`,
    };
  }

  const ratios = [
    ...applyTolerances('inbound', inbound, input.tolerances),
    ...applyTolerances('outbound', outbound, input.tolerances),
  ];
  const worst = ratios.reduce<HealthRatio | undefined>(
    (w, r) =>
      !w ||
      RANK[r.status] > RANK[w.status] ||
      (RANK[r.status] === RANK[w.status] && r.ratio > w.ratio)
        ? r
        : w,
    undefined,
  );
  const status = worst?.status ?? 'healthy';
  const serverErrors = inbound
    .filter(isServerError)
    .reduce((s, r) => s + r.rate, 0);
  const clientErrors = inbound
    .filter(r => r.protocol === 'http' && /^4\d\d$/.test(r.code))
    .reduce((s, r) => s + r.rate, 0);
  const tolerance = worst
    ? input.tolerances.find(
        t =>
          t.code === worst.code &&
          fullMatch(t.protocol, worst.protocol) &&
          fullMatch(t.direction, worst.direction),
      )
    : undefined;
  const reason =
    status === 'healthy' || !worst
      ? `every error ratio is within the tolerances (${input.tolerances
          .map(t => `${t.code} ${t.protocol}`)
          .join(', ')})`
      : `${codeLabel(worst.code)} responses are ${pct(worst.ratio)} of ${
          worst.direction
        } ${worst.protocol === 'grpc' ? 'gRPC' : 'HTTP'} requests${threshold(
          tolerance,
          status,
        )}`;
  return {
    ...base,
    status,
    signal: 'l7',
    requestsPerSecond: round(rps, 3),
    successRate: rps > 0 ? round(1 - serverErrors / rps, 5) : null,
    latencyMs: {
      p50: round(histogramQuantile(0.5, traffic.latency), 2),
      p95: round(histogramQuantile(0.95, traffic.latency), 2),
      p99: round(histogramQuantile(0.99, traffic.latency), 2),
    },
    errorRates: {
      clientErrors: rps > 0 ? round(clientErrors / rps, 5) : null,
      serverErrors: rps > 0 ? round(serverErrors / rps, 5) : null,
    },
    ratios: ratios.map(r => ({ ...r, ratio: round(r.ratio, 5)! })),
    reason,
  };
}
