import { RESOURCE_QUERIES } from './resources';

describe('RESOURCE_QUERIES.proxyUsage', () => {
  it('takes the p95 of proxy memory and of the CPU rate (a subquery), by namespace and pod, in one query', () => {
    const promql = RESOURCE_QUERIES.proxyUsage.promql('5m', 'namespace=~"a"');
    expect(promql).toContain(
      'quantile_over_time(0.95, container_memory_working_set_bytes{container=~"istio-proxy|linkerd-proxy",namespace=~"a"}[5m])',
    );
    expect(promql).toContain(
      'quantile_over_time(0.95, sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{container=~"istio-proxy|linkerd-proxy",namespace=~"a"}[2m]))[5m:1m])',
    );
    expect(RESOURCE_QUERIES.proxyUsage.recordingRule!('5m')).toBe(
      'mesh_pod:proxy_container_usage:p95_5m',
    );
  });

  it('joins the CPU and memory samples of a pod and drops incomplete or NaN ones', () => {
    const parsed = RESOURCE_QUERIES.proxyUsage.parse([
      {
        labels: {
          namespace: 'shop',
          pod: 'checkout-0',
          container: 'istio-proxy',
          mesh_series: 'memory',
        },
        value: 5e7,
      },
      {
        labels: {
          namespace: 'shop',
          pod: 'checkout-0',
          container: 'istio-proxy',
          mesh_series: 'cpu',
        },
        value: 0.02,
      },
      {
        labels: {
          namespace: 'shop',
          pod: 'checkout-1',
          container: 'istio-proxy',
          mesh_series: 'cpu',
        },
        value: NaN,
      },
      { labels: { namespace: 'shop', pod: 'x' }, value: 1 },
    ]);
    expect(parsed).toEqual({
      shop: [
        {
          pod: 'checkout-0',
          container: 'istio-proxy',
          memoryBytes: 5e7,
          cpuCores: 0.02,
        },
      ],
    });
  });
});
