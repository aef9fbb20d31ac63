/**
 * What the sidecar proxies use, from the kubelet's cAdvisor (`sidecar.rightsizing`):
 * `container_memory_working_set_bytes` and the rate of
 * `container_cpu_usage_seconds_total` for the `istio-proxy` and `linkerd-proxy`
 * containers, each as its 95th percentile over the window, per pod. This is what the
 * Istio dashboards read for proxy memory and CPU (mesh-signals.md §1.4). One query for
 * the whole cluster, aggregated by namespace and pod, never per workload.
 */
import { defineQuery, sel } from './helpers';

/** The proxy containers' names (`istio-proxy`, `linkerd-proxy`), as a regex matcher. */
export const PROXY_CONTAINERS_MATCHER =
  'container=~"istio-proxy|linkerd-proxy"';

/**
 * The CPU rate is a rate over this range, sampled every PROXY_CPU_STEP across the window
 * (a subquery): the 95th percentile of those samples is the figure. Two minutes holds at
 * least two samples at the usual cAdvisor scrape intervals (15 s to 1 min).
 */
export const PROXY_CPU_RATE_RANGE = '2m';
export const PROXY_CPU_STEP = '1m';

/** One proxy container's usage, the 95th percentile over the window. */
export interface ProxyContainerUsage {
  pod: string;
  /** `istio-proxy` or `linkerd-proxy`. */
  container: string;
  /** CPU in cores (rate of `container_cpu_usage_seconds_total`). */
  cpuCores?: number;
  /** Working-set memory in bytes. */
  memoryBytes?: number;
}

/** Proxy usage by namespace. */
export type ProxyUsage = Record<string, ProxyContainerUsage[]>;

export const RESOURCE_QUERIES = {
  /**
   * Memory is a gauge: `quantile_over_time` over its raw samples. CPU is a counter: its
   * rate is taken on a subquery grid first. A container restarted within the window
   * has two cAdvisor series (two `id`s): CPU adds them up, memory takes the larger. The
   * recording rule holds the subquery as it is (Prometheus evaluates subqueries in
   * rules); its cost is the window divided by the step, per evaluation.
   */
  proxyUsage: defineQuery<ProxyUsage>({
    id: 'proxyUsage',
    recordingRule: w => `mesh_pod:proxy_container_usage:p95_${w}`,
    description:
      'Sidecar proxy CPU and working-set memory per pod (cAdvisor), 95th percentile over the window',
    namespaceLabel: 'namespace',
    promql: (w, m) => {
      const s = sel(PROXY_CONTAINERS_MATCHER, m);
      const by = 'namespace, pod, container';
      return `label_replace(max by (${by}) (quantile_over_time(0.95, container_memory_working_set_bytes{${s}}[${w}])), "mesh_series", "memory", "", "") or label_replace(max by (${by}) (quantile_over_time(0.95, sum by (${by}) (rate(container_cpu_usage_seconds_total{${s}}[${PROXY_CPU_RATE_RANGE}]))[${w}:${PROXY_CPU_STEP}])), "mesh_series", "cpu", "", "")`;
    },
    parse: samples => {
      const out: ProxyUsage = {};
      for (const s of samples) {
        const { namespace, pod, container } = s.labels;
        if (!namespace || !pod || !container || !Number.isFinite(s.value))
          continue;
        const rows = (out[namespace] ??= []);
        let row = rows.find(r => r.pod === pod && r.container === container);
        if (!row) {
          row = { pod, container };
          rows.push(row);
        }
        if (s.labels.mesh_series === 'cpu')
          row.cpuCores = Math.max(row.cpuCores ?? 0, s.value);
        else row.memoryBytes = Math.max(row.memoryBytes ?? 0, s.value);
      }
      return out;
    },
  }),
};
