// @ts-check
/**
 * Synthetic mesh telemetry for the demo, the scenarios and the benchmark.
 *
 * A traffic spec (per workload: provider, rate, response mix, latency) turns into
 * counters that are a pure function of time: value(t) = rate × share × (t − origin).
 * The same function writes OpenMetrics for `promtool tsdb create-blocks-from openmetrics`
 * (history) and the text exposition a live Prometheus scrapes (now), so the two join
 * into one continuous series. An opt-in `baseline` adds a second, earlier window (a week
 * ago by default) to the OpenMetrics only, for `offset` queries. Metric and label names follow
 * Istio's `istio_stats.cc` / ztunnel's `metrics.rs` and Linkerd's proxy-metrics reference.
 *
 * Plain CommonJS, so that the demo script runs it before anything is compiled.
 */

/** Istio's default buckets for istio_request_duration_milliseconds. */
const ISTIO_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
  300000, 600000, 1800000, 3600000,
];
/** Linkerd proxy buckets for response_latency_ms. */
const LINKERD_BUCKETS_MS = [
  1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, 2000, 3000,
  4000, 5000, 10000, 20000, 30000, 40000, 50000,
];

/**
 * Micrometer's `http.server.requests` histogram buckets (seconds), a subset of what
 * `percentiles-histogram: true` publishes, for the app's own metrics (`app: micrometer`).
 */
const MICROMETER_BUCKETS_S = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1,
  2.5, 5, 10,
];

/** Standard normal CDF (Abramowitz–Stegun 7.1.26; error below 1.5e-7). */
function normalCdf(x) {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) *
      t +
      0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/**
 * Share of requests at or under `le` ms for a log-normal latency with the given median
 * and 99th percentile.
 */
function latencyCdf(le, p50, p99) {
  if (le === Infinity) return 1;
  const sigma = Math.max(Math.log(p99 / p50) / 2.3263, 1e-6);
  return normalCdf((Math.log(le) - Math.log(p50)) / sigma);
}

function escapeLabel(value) {
  return String(value)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n');
}

function formatLabels(labels) {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
}

/**
 * Labels of a request as the caller's proxy reports it (`reporter="source"`). When the
 * caller's Envoy failed the request itself it never picked a workload: `unknown`.
 * @param {any} svc @param {string} code @param {string} flags @param {boolean} reachedWorkload
 */
function callerLabels(svc, code, flags, reachedWorkload) {
  const caller = svc.sourceWorkload ?? 'istio-ingressgateway';
  const callerNs = svc.sourceNamespace ?? 'istio-system';
  return {
    reporter: 'source',
    source_workload: caller,
    source_workload_namespace: callerNs,
    destination_workload: reachedWorkload ? svc.workload : 'unknown',
    destination_workload_namespace: reachedWorkload ? svc.namespace : 'unknown',
    destination_service: `${svc.service ?? svc.workload}.${
      svc.namespace
    }.svc.cluster.local`,
    destination_service_name: svc.service ?? svc.workload,
    destination_service_namespace: svc.namespace,
    request_protocol: 'http',
    response_code: code,
    response_flags: flags,
    connection_security_policy: 'unknown',
    job: 'kubernetes-pods',
    namespace: callerNs,
    pod: `${caller}-0`,
    instance: `${caller}-0:15020`,
  };
}

/**
 * Expands a spec into series definitions: each has a family, a name, labels and a rate
 * per second (so value(t) = rate × elapsed seconds).
 * @param {any} spec
 */
function seriesOf(spec) {
  /** @type {{family: string, type: 'counter'|'histogram'|'gauge', series: {name: string, labels: Record<string,string>, rate: number, value?: number, fromNow?: number}[]}[]} */
  const families = [];
  const family = (name, type) => {
    let f = families.find(x => x.family === name);
    if (!f) {
      f = { family: name, type, series: [] };
      families.push(f);
    }
    return f;
  };
  for (const svc of spec.services ?? []) {
    const pods =
      svc.podNames ??
      Array.from(
        { length: svc.pods ?? 1 },
        (_, i) => `${svc.workload}-pod-${i}`,
      );
    const responses = svc.responses ?? { 200: 1 };
    const total = Object.values(responses).reduce((a, b) => a + Number(b), 0);
    const p50 = svc.latencyMs?.p50 ?? 10;
    const p99 = svc.latencyMs?.p99 ?? p50 * 5;
    const rpsPerPod = (svc.rps ?? 0) / pods.length;
    const provider = svc.provider ?? 'istio';
    const reporter = svc.reporter ?? 'destination';
    // What Prometheus scrapes from each proxy whatever its traffic: the build gauges.
    if (svc.build !== false) {
      for (const pod of pods) {
        if (provider === 'istio' && reporter === 'destination') {
          family('istio_build', 'gauge').series.push({
            name: 'istio_build',
            labels: {
              component: 'proxy',
              tag: svc.proxyVersion ?? '1.27.1',
              namespace: svc.namespace,
              pod,
              job: 'kubernetes-pods',
              instance: `${pod}:15020`,
            },
            rate: 0,
            value: 1,
          });
        } else if (provider === 'linkerd') {
          family('proxy_build_info', 'gauge').series.push({
            name: 'proxy_build_info',
            labels: {
              git_version: svc.proxyVersion ?? 'edge-25.9.1',
              namespace: svc.namespace,
              pod,
              job: 'linkerd-proxy',
              instance: `${pod}:4191`,
            },
            rate: 0,
            value: 1,
          });
        }
      }
    }
    // Ambient without a waypoint: ztunnel's L4 view only.
    if (provider === 'istio' && reporter === 'ztunnel') {
      const tcp = svc.tcp ?? {};
      const base = {
        reporter: 'destination',
        source_workload: svc.sourceWorkload ?? 'unknown',
        source_workload_namespace: svc.sourceNamespace ?? 'unknown',
        destination_workload: svc.workload,
        destination_workload_namespace: svc.namespace,
        destination_service: `${svc.service ?? svc.workload}.${
          svc.namespace
        }.svc.cluster.local`,
        request_protocol: 'tcp',
        response_flags: '-',
        connection_security_policy: 'mutual_tls',
        job: 'ztunnel',
        namespace: 'istio-system',
        pod: 'ztunnel-node-1',
        instance: 'ztunnel-node-1:15020',
      };
      family('istio_tcp_connections_opened', 'counter').series.push({
        name: 'istio_tcp_connections_opened_total',
        labels: base,
        rate: tcp.connectionsPerSecond ?? 1,
      });
      family('istio_tcp_received_bytes', 'counter').series.push({
        name: 'istio_tcp_received_bytes_total',
        labels: base,
        rate: tcp.receivedBytesPerSecond ?? 2048,
      });
      continue;
    }
    // Requests the callers' Envoys failed themselves (no healthy upstream, no route):
    // they exist only on the source side, with no destination workload.
    for (const [code, failure] of Object.entries(
      provider === 'none' ? {} : svc.proxyFailures ?? {},
    )) {
      const f = /** @type {{share: number, flags: string}} */ (failure);
      family('istio_requests', 'counter').series.push({
        name: 'istio_requests_total',
        labels: callerLabels(svc, code, f.flags, false),
        rate: (svc.rps ?? 0) * f.share,
      });
    }
    for (const pod of pods) {
      for (const [code, share] of Object.entries(responses)) {
        const rate = (rpsPerPod * Number(share)) / total;
        if (svc.app === 'micrometer') {
          // The app's own middleware counts the same requests, meshed or not: Spring
          // Boot's http.server.requests with its histogram, scraped with the pod's
          // `namespace` and `pod` labels.
          const base = {
            namespace: svc.namespace,
            pod,
            job: 'kubernetes-pods',
            instance: `${pod}:8080`,
            exception: 'None',
            method: 'GET',
            outcome: /^5/.test(code)
              ? 'SERVER_ERROR'
              : /^4/.test(code)
              ? 'CLIENT_ERROR'
              : 'SUCCESS',
            status: code,
            uri: svc.appUri ?? '/api',
          };
          const hist = family('http_server_requests_seconds', 'histogram');
          for (const le of [...MICROMETER_BUCKETS_S, Infinity]) {
            hist.series.push({
              name: 'http_server_requests_seconds_bucket',
              labels: { ...base, le: le === Infinity ? '+Inf' : String(le) },
              rate: rate * latencyCdf(le * 1000, p50, p99),
            });
          }
          hist.series.push({
            name: 'http_server_requests_seconds_count',
            labels: base,
            rate,
          });
          hist.series.push({
            name: 'http_server_requests_seconds_sum',
            labels: base,
            rate: (rate * p50 * 1.2) / 1000,
          });
        }
        // An unmeshed workload (`provider: none`): the app's own metrics only.
        if (provider === 'none') continue;
        if (provider === 'istio') {
          const base = {
            reporter,
            source_workload: svc.sourceWorkload ?? 'istio-ingressgateway',
            source_workload_namespace: svc.sourceNamespace ?? 'istio-system',
            source_principal: `spiffe://cluster.local/ns/${
              svc.sourceNamespace ?? 'istio-system'
            }/sa/${svc.sourceWorkload ?? 'istio-ingressgateway'}`,
            destination_workload: svc.workload,
            destination_workload_namespace: svc.namespace,
            destination_service: `${svc.service ?? svc.workload}.${
              svc.namespace
            }.svc.cluster.local`,
            destination_service_name: svc.service ?? svc.workload,
            destination_service_namespace: svc.namespace,
            destination_canonical_service: svc.workload,
            destination_canonical_revision: 'latest',
            request_protocol: 'http',
            response_flags: '-',
            connection_security_policy: 'mutual_tls',
            job: reporter === 'waypoint' ? 'waypoint' : 'kubernetes-pods',
            namespace: svc.namespace,
            pod: reporter === 'waypoint' ? `waypoint-${svc.namespace}` : pod,
            instance:
              reporter === 'waypoint'
                ? `waypoint-${svc.namespace}:15020`
                : `${pod}:15020`,
          };
          family('istio_requests', 'counter').series.push({
            name: 'istio_requests_total',
            labels: { ...base, response_code: code },
            rate,
          });
          const hist = family(
            'istio_request_duration_milliseconds',
            'histogram',
          );
          for (const le of [...ISTIO_BUCKETS_MS, Infinity]) {
            hist.series.push({
              name: 'istio_request_duration_milliseconds_bucket',
              labels: {
                ...base,
                response_code: code,
                le: le === Infinity ? '+Inf' : String(le),
              },
              rate: rate * latencyCdf(le, p50, p99),
            });
          }
          hist.series.push({
            name: 'istio_request_duration_milliseconds_count',
            labels: { ...base, response_code: code },
            rate,
          });
          hist.series.push({
            name: 'istio_request_duration_milliseconds_sum',
            labels: { ...base, response_code: code },
            rate: rate * p50 * 1.2,
          });
        } else {
          const kind = svc.kind ?? 'deployment';
          const base = {
            direction: 'inbound',
            namespace: svc.namespace,
            pod,
            [kind]: svc.workload,
            tls: 'true',
            srv_kind: 'default',
            srv_name: 'all-unauthenticated',
            job: 'linkerd-proxy',
            instance: `${pod}:4191`,
            control_plane_ns: 'linkerd',
          };
          const failure = /^5/.test(code);
          family('response', 'counter').series.push({
            name: 'response_total',
            labels: {
              ...base,
              status_code: code,
              classification: failure ? 'failure' : 'success',
            },
            rate,
          });
          const hist = family('response_latency_ms', 'histogram');
          for (const le of [...LINKERD_BUCKETS_MS, Infinity]) {
            hist.series.push({
              name: 'response_latency_ms_bucket',
              labels: {
                ...base,
                status_code: code,
                le: le === Infinity ? '+Inf' : String(le),
              },
              rate: rate * latencyCdf(le, p50, p99),
            });
          }
          hist.series.push({
            name: 'response_latency_ms_count',
            labels: { ...base, status_code: code },
            rate,
          });
          hist.series.push({
            name: 'response_latency_ms_sum',
            labels: { ...base, status_code: code },
            rate: rate * p50 * 1.2,
          });
        }
      }
    }
    if (
      provider === 'istio' &&
      reporter === 'destination' &&
      svc.sourceReported !== false
    ) {
      // The caller's proxy sees the same requests; merging keeps the higher count per
      // code, so the figures do not double.
      for (const [code, share] of Object.entries(responses)) {
        family('istio_requests', 'counter').series.push({
          name: 'istio_requests_total',
          labels: callerLabels(svc, code, '-', true),
          rate: ((svc.rps ?? 0) * Number(share)) / total,
        });
      }
    }
  }
  // Series written as they are, for metrics the traffic model does not derive
  // (control-plane gauges, Envoy stats, app metrics). A counter's name ends in `_total`;
  // `fromNow` makes a timestamp gauge (a certificate's expiry) that many seconds after
  // the last sample.
  for (const raw of spec.series ?? []) {
    const type = raw.type ?? 'gauge';
    const name = String(raw.name);
    // A histogram's `_bucket`/`_sum`/`_count` series join the family they belong to
    // (`family`), so they sit with the generated ones, as OpenMetrics requires.
    family(
      raw.family ?? (type === 'counter' ? name.replace(/_total$/, '') : name),
      type,
    ).series.push({
      name,
      labels: raw.labels ?? {},
      rate: raw.rate ?? 0,
      ...(raw.value !== undefined ? { value: Number(raw.value) } : {}),
      ...(raw.fromNow !== undefined ? { fromNow: Number(raw.fromNow) } : {}),
    });
  }
  return families;
}

/** A sample's value at `t`, with `end` the time the data ends (now, for a live scrape). */
function valueAt(s, t, origin, end) {
  if (s.fromNow !== undefined) return end + s.fromNow;
  return s.value ?? s.rate * Math.max(0, t - origin);
}

const DAY_S = 24 * 60 * 60;

/**
 * The time windows a spec is written for, oldest first: `range` itself and, when the
 * spec has a `baseline`, a window of the same length (or `baseline.minutes`) ending
 * `baseline.daysAgo` days (default 7) before `range.end`, with the baseline's own
 * services and series. Each window's counters start from 0 at its own start, so each is
 * self-consistent and monotonic; nothing is written in between, so a `rate()` over a few
 * minutes (e.g. `[5m] offset 1w`) sees one window only.
 * @param {any} spec @param {{start: number, end: number, step: number, origin?: number}} range
 */
function windowsOf(spec, range) {
  const main = {
    spec,
    start: range.start,
    end: range.end,
    origin: range.origin ?? range.start,
  };
  const b = spec.baseline;
  if (!b) return [main];
  const end = range.end - Math.round((b.daysAgo ?? 7) * DAY_S);
  const start =
    end - (b.minutes !== undefined ? b.minutes * 60 : range.end - range.start);
  if (end >= main.start || start > end) {
    throw new Error(
      `metrics baseline window ${start}..${end} must end before the data's window starts (${main.start})`,
    );
  }
  return [{ spec: b, start, end, origin: start }, main];
}

/**
 * OpenMetrics text for promtool, in chunks (one per label set), so a large fleet can be
 * streamed to a file: every series sampled from `start` to `end` (seconds) every `step`
 * seconds, and, with `spec.baseline`, the baseline's series in their own earlier window
 * (see `windowsOf`). Families stay together and each series is in time order, as
 * promtool requires; the last chunk is `# EOF`.
 * @param {any} spec @param {{start: number, end: number, step: number, origin?: number}} range
 */
function* openMetricsChunks(spec, range) {
  const windows = windowsOf(spec, range);
  // Family name → its type and label sets; a label set (without `le`) holds, per
  // window, the series a histogram's buckets, count and sum share, so each set's
  // samples stay together and in time order across the windows.
  /** @type {Map<string, {type: string, groups: Map<string, any[][]>}>} */
  const families = new Map();
  windows.forEach((w, wi) => {
    for (const f of seriesOf(w.spec)) {
      let fam = families.get(f.family);
      if (!fam) {
        fam = { type: f.type, groups: new Map() };
        families.set(f.family, fam);
      }
      for (const s of f.series) {
        const { le, ...rest } = s.labels;
        const key = JSON.stringify(rest);
        let group = fam.groups.get(key);
        if (!group) {
          group = windows.map(() => []);
          fam.groups.set(key, group);
        }
        group[wi].push(s);
      }
    }
  });
  for (const [name, fam] of families) {
    yield `# TYPE ${name} ${fam.type}\n`;
    for (const perWindow of fam.groups.values()) {
      const lines = [];
      perWindow.forEach((group, wi) => {
        const w = windows[wi];
        const formatted = group.map(s => `${s.name}${formatLabels(s.labels)} `);
        for (let t = w.start; t <= w.end; t += range.step) {
          group.forEach((s, i) => {
            const value = valueAt(s, t, w.origin, w.end);
            lines.push(`${formatted[i]}${value.toFixed(4)} ${t}`);
          });
        }
      });
      yield `${lines.join('\n')}\n`;
    }
  }
  yield '# EOF\n';
}

/** The whole OpenMetrics text at once; see openMetricsChunks. */
function toOpenMetrics(spec, range) {
  return [...openMetricsChunks(spec, range)].join('');
}

/**
 * The Prometheus text exposition of the same counters at time `now` (seconds), for a
 * live scrape.
 * @param {any} spec @param {number} now @param {number} origin
 */
function toExposition(spec, now, origin) {
  const lines = [];
  for (const f of seriesOf(spec)) {
    lines.push(
      `# TYPE ${f.type === 'counter' ? `${f.family}_total` : f.family} ${
        f.type
      }`,
    );
    for (const s of f.series) {
      const value = valueAt(s, now, origin, now);
      lines.push(`${s.name}${formatLabels(s.labels)} ${value.toFixed(4)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

module.exports = {
  toOpenMetrics,
  openMetricsChunks,
  windowsOf,
  toExposition,
  seriesOf,
  latencyCdf,
  ISTIO_BUCKETS_MS,
  LINKERD_BUCKETS_MS,
  MICROMETER_BUCKETS_S,
};
