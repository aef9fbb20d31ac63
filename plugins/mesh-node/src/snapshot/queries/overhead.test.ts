import { OVERHEAD_QUERIES } from './overhead';

describe('OVERHEAD_QUERIES', () => {
  it('asks for the source-reported Istio buckets by destination workload, with the shard matchers', () => {
    expect(OVERHEAD_QUERIES.istioSourceLatency.promql('5m', 'x=~"a|b"')).toBe(
      'sum by (destination_workload_namespace, destination_workload, le) (rate(istio_request_duration_milliseconds_bucket{reporter="source",x=~"a|b"}[5m]))',
    );
  });

  it('keys Istio source buckets by destination workload and drops unknown destinations', () => {
    const parsed = OVERHEAD_QUERIES.istioSourceLatency.parse([
      ...['10', '+Inf'].map(le => ({
        labels: {
          destination_workload_namespace: 'shop',
          destination_workload: 'checkout',
          le,
        },
        value: le === '10' ? 4 : 5,
      })),
      {
        labels: {
          destination_workload_namespace: 'unknown',
          destination_workload: 'unknown',
          le: '+Inf',
        },
        value: 9,
      },
    ]);
    expect(parsed).toEqual({
      'shop/checkout': [
        {
          reporter: 'source',
          buckets: [
            { le: 10, rate: 4 },
            { le: Infinity, rate: 5 },
          ],
        },
      ],
    });
  });

  it('keys Linkerd outbound buckets by dst_namespace and the top-level dst owner, adding replica sets up', () => {
    const parsed = OVERHEAD_QUERIES.linkerdOutboundLatency.parse([
      {
        labels: {
          dst_namespace: 'payments',
          dst_deployment: 'api',
          dst_replicaset: 'api-1',
          le: '+Inf',
        },
        value: 2,
      },
      {
        labels: {
          dst_namespace: 'payments',
          dst_deployment: 'api',
          dst_replicaset: 'api-2',
          le: '+Inf',
        },
        value: 3,
      },
      {
        labels: {
          dst_namespace: 'batch',
          dst_k8s_job: 'report-28901234',
          le: '+Inf',
        },
        value: 1,
      },
      { labels: { dst_namespace: 'x', le: '+Inf' }, value: 1 },
    ]);
    expect(parsed).toEqual({
      'payments/api': [
        { reporter: 'outbound', buckets: [{ le: Infinity, rate: 5 }] },
      ],
      'batch/report': [
        { reporter: 'outbound', buckets: [{ le: Infinity, rate: 1 }] },
      ],
    });
    expect(OVERHEAD_QUERIES.linkerdOutboundLatency.promql('5m', '')).toContain(
      'response_latency_ms_bucket{direction="outbound"}[5m]',
    );
  });
});
