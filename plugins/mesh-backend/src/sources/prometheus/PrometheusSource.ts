import { LatencyBucket } from '../../snapshot/histogram';
import { mapLimit } from '../limit';
import { PrometheusClient, VectorSample } from './PrometheusClient';
import { buildMeshQueries, LINKERD_WORKLOAD_LABELS } from './queries';

/** Inbound L7 traffic of one workload as its mesh proxies saw it. */
export interface WorkloadTraffic {
  provider: 'istio' | 'linkerd';
  /** `destination` (Istio sidecar), `waypoint` (Istio ambient L7) or `inbound` (Linkerd). */
  reporter: 'destination' | 'waypoint' | 'inbound';
  requestsPerSecond: number;
  /** 5xx, no response, and gRPC error statuses: what counts against the success rate. */
  serverErrorsPerSecond: number;
  /** 4xx responses. */
  clientErrorsPerSecond: number;
  /** Cumulative request rate per latency bucket upper bound, in milliseconds. */
  latencyBuckets: LatencyBucket[];
}

export interface MetricsData {
  window: string;
  /** Keyed by `namespace/workload`. */
  workloads: Record<string, WorkloadTraffic>;
  problems: string[];
  queries: number;
}

export interface MetricsSource {
  readonly description: string;
  fetch(at?: Date): Promise<MetricsData>;
}

type Key = string;

/** Collects mesh golden signals for a whole cluster with a fixed set of queries. */
export class PrometheusSource implements MetricsSource {
  readonly description: string;

  constructor(
    private readonly client: PrometheusClient,
    private readonly window: string,
    url: string,
    /**
     * Queries in flight. One by default: on a busy Prometheus, fleet-wide queries in
     * parallel cost it about twice the CPU for a modest gain in wall time (measured by
     * `npm run bench`).
     */
    private readonly concurrency = 1,
  ) {
    this.description = `Prometheus ${url}`;
  }

  async fetch(at: Date = new Date()): Promise<MetricsData> {
    const q = buildMeshQueries(this.window);
    const [istioReq, istioLat, linkerdResp, linkerdLat] = await mapLimit(
      [
        q.istioRequests,
        q.istioLatencyBuckets,
        q.linkerdResponses,
        q.linkerdLatencyBuckets,
      ],
      this.concurrency,
      query => this.client.instantQuery(query, at),
    );
    const problems: string[] = [];
    const dropped =
      istioReq.dropped +
      istioLat.dropped +
      linkerdResp.dropped +
      linkerdLat.dropped;
    if (dropped > 0) {
      problems.push(
        `${dropped} samples with NaN or infinite values were ignored`,
      );
    }
    const workloads: Record<Key, WorkloadTraffic> = {};
    collectIstio(istioReq.samples, istioLat.samples, workloads);
    collectLinkerd(linkerdResp.samples, linkerdLat.samples, workloads);
    return { window: this.window, workloads, problems, queries: 4 };
  }
}

function emptyTraffic(
  provider: WorkloadTraffic['provider'],
  reporter: WorkloadTraffic['reporter'],
): WorkloadTraffic {
  return {
    provider,
    reporter,
    requestsPerSecond: 0,
    serverErrorsPerSecond: 0,
    clientErrorsPerSecond: 0,
    latencyBuckets: [],
  };
}

function isServerError(code: string | undefined): boolean {
  // `0` and `-` mean no response at all (reset, timeout): Kiali counts them as failures.
  return !code || code === '0' || code === '-' || /^5\d\d$/.test(code);
}

function isGrpcError(status: string | undefined): boolean {
  return status !== undefined && /^([1-9]|1[0-6])$/.test(status);
}

function addBucket(
  traffic: WorkloadTraffic,
  leLabel: string | undefined,
  value: number,
) {
  if (leLabel === undefined) return;
  const le = leLabel === '+Inf' ? Infinity : Number(leLabel);
  if (Number.isNaN(le)) return;
  const existing = traffic.latencyBuckets.find(b => b.le === le);
  if (existing) existing.rate += value;
  else traffic.latencyBuckets.push({ le, rate: value });
}

function collectIstio(
  requests: VectorSample[],
  latency: VectorSample[],
  out: Record<Key, WorkloadTraffic>,
) {
  const perReporter = new Map<string, WorkloadTraffic>();
  const keyOf = (l: Record<string, string>) => {
    const ns = l.destination_workload_namespace;
    const wl = l.destination_workload;
    if (!ns || !wl || wl === 'unknown' || ns === 'unknown') return undefined;
    return `${ns}/${wl}`;
  };
  const get = (l: Record<string, string>) => {
    const key = keyOf(l);
    const reporter = l.reporter === 'waypoint' ? 'waypoint' : 'destination';
    if (!key) return undefined;
    const id = `${key}|${reporter}`;
    let t = perReporter.get(id);
    if (!t) {
      t = emptyTraffic('istio', reporter);
      perReporter.set(id, t);
    }
    return t;
  };
  for (const s of requests) {
    const t = get(s.labels);
    if (!t) continue;
    t.requestsPerSecond += s.value;
    const code = s.labels.response_code;
    if (isServerError(code) || isGrpcError(s.labels.grpc_response_status)) {
      t.serverErrorsPerSecond += s.value;
    } else if (/^4\d\d$/.test(code)) {
      t.clientErrorsPerSecond += s.value;
    }
  }
  for (const s of latency) {
    const t = get(s.labels);
    if (t) addBucket(t, s.labels.le, s.value);
  }
  for (const [id, traffic] of perReporter) {
    const key = id.slice(0, id.lastIndexOf('|'));
    const current = out[key];
    // The sidecar's own view is exact for the workload; a waypoint's only stands in
    // when the workload has no sidecar (ambient).
    if (
      !current ||
      (current.reporter === 'waypoint' && traffic.reporter === 'destination')
    ) {
      out[key] = traffic;
    }
  }
}

function collectLinkerd(
  responses: VectorSample[],
  latency: VectorSample[],
  out: Record<Key, WorkloadTraffic>,
) {
  const get = (l: Record<string, string>) => {
    const name = LINKERD_WORKLOAD_LABELS.map(k => l[k]).find(Boolean);
    if (!l.namespace || !name) return undefined;
    const key = `${l.namespace}/${name}`;
    let t = out[key];
    if (!t) {
      t = emptyTraffic('linkerd', 'inbound');
      out[key] = t;
    }
    return t.provider === 'linkerd' ? t : undefined;
  };
  for (const s of responses) {
    const t = get(s.labels);
    if (!t) continue;
    t.requestsPerSecond += s.value;
    if (s.labels.classification === 'failure') {
      t.serverErrorsPerSecond += s.value;
    } else if (/^4\d\d$/.test(s.labels.status_code ?? '')) {
      t.clientErrorsPerSecond += s.value;
    }
  }
  for (const s of latency) {
    const t = get(s.labels);
    if (t) addBucket(t, s.labels.le, s.value);
  }
}
