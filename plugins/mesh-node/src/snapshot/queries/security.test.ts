import { SECURITY_QUERIES } from './security';

describe('SECURITY_QUERIES parsers', () => {
  it('keys plaintext inbound traffic by destination and names the caller when known', () => {
    const parsed = SECURITY_QUERIES.istioPlaintextInbound.parse([
      {
        labels: {
          destination_workload_namespace: 'shop',
          destination_workload: 'checkout',
          source_workload_namespace: 'legacy',
          source_workload: 'batch',
          reporter: 'destination',
          connection_security_policy: 'none',
        },
        value: 2,
      },
      {
        labels: {
          destination_workload_namespace: 'shop',
          destination_workload: 'checkout',
          source_workload_namespace: 'unknown',
          source_workload: 'unknown',
          reporter: 'destination',
          connection_security_policy: 'unknown',
          mesh_series: 'connections',
        },
        value: 1,
      },
    ]);
    expect(parsed).toEqual({
      'shop/checkout': [
        {
          source: 'legacy/batch',
          reporter: 'destination',
          unit: 'requests',
          security: 'none',
          rate: 2,
        },
        {
          reporter: 'destination',
          unit: 'connections',
          security: 'unknown',
          rate: 1,
        },
      ],
    });
  });

  it('keeps shadow denials by namespace and pod, dropping NaN', () => {
    expect(
      SECURITY_QUERIES.istioShadowDenials.parse([
        { labels: { namespace: 'shop', pod: 'checkout-0' }, value: 0.5 },
        { labels: { namespace: 'shop', pod: 'checkout-1' }, value: NaN },
        { labels: { pod: 'orphan' }, value: 1 },
      ]),
    ).toEqual({ shop: [{ pod: 'checkout-0', rate: 0.5 }] });
  });

  it('maps Linkerd denials to the workload, a CronJob Job to its CronJob, and adds up shards', () => {
    expect(
      SECURITY_QUERIES.linkerdAuthzDenials.parse([
        {
          labels: {
            namespace: 'shop',
            deployment: 'checkout',
            srv_name: 'http',
          },
          value: 1,
        },
        {
          labels: {
            namespace: 'shop',
            deployment: 'checkout',
            srv_name: 'http',
          },
          value: 2,
        },
        {
          labels: {
            namespace: 'shop',
            k8s_job: 'report-28999999',
            mesh_series: 'tcp',
          },
          value: 1,
        },
      ]),
    ).toEqual({
      'shop/checkout': [{ protocol: 'http', server: 'http', rate: 3 }],
      'shop/report': [{ protocol: 'tcp', rate: 1 }],
    });
  });

  it('keys passthrough and blackhole traffic by the calling workload', () => {
    expect(
      SECURITY_QUERIES.istioEgressPassthrough.parse([
        {
          labels: {
            source_workload_namespace: 'shop',
            source_workload: 'checkout',
            destination_service_name: 'PassthroughCluster',
            destination_service: 'api.stripe.com',
            mesh_series: 'connections',
          },
          value: 0.5,
        },
        {
          labels: {
            source_workload_namespace: 'shop',
            source_workload: 'checkout',
            destination_service_name: 'BlackHoleCluster',
            destination_service: 'BlackHoleCluster',
          },
          value: 0.1,
        },
      ]),
    ).toEqual({
      'shop/checkout': [
        {
          cluster: 'PassthroughCluster',
          host: 'api.stripe.com',
          unit: 'connections',
          rate: 0.5,
        },
        { cluster: 'BlackHoleCluster', unit: 'requests', rate: 0.1 },
      ],
    });
  });

  it('shards every selector by the namespace label and names a recording rule per window', () => {
    for (const q of Object.values(SECURITY_QUERIES)) {
      const sharded = q.promql('5m', `${q.namespaceLabel}=~"shop"`);
      expect(sharded).toContain(`${q.namespaceLabel}=~"shop"`);
      expect(q.recordingRule!('5m')).toMatch(/^mesh_.*5m$/);
    }
  });
});
