import { CONTROL_PLANE_QUERIES } from './controlPlane';

const { pilotConvergence, meshCertificateExpiry, istioProxyBuild } =
  CONTROL_PLANE_QUERIES;

describe('control-plane queries', () => {
  it('keeps istiod push buckets per pod, summing repeated bounds', () => {
    expect(
      pilotConvergence.parse([
        {
          labels: { namespace: 'istio-system', pod: 'istiod-a-1', le: '0.1' },
          value: 3,
        },
        {
          labels: { namespace: 'istio-system', pod: 'istiod-a-1', le: '0.1' },
          value: 1,
        },
        {
          labels: { namespace: 'istio-system', pod: 'istiod-a-1', le: '+Inf' },
          value: 5,
        },
        {
          labels: { namespace: 'istio-system', pod: 'istiod-a-1', le: 'x' },
          value: 9,
        },
      ]),
    ).toEqual({
      'istio-system/istiod-a-1': [
        { le: 0.1, rate: 4 },
        { le: Infinity, rate: 5 },
      ],
    });
  });

  it('reads expiry series by certificate kind, ignoring others', () => {
    expect(
      meshCertificateExpiry.parse([
        {
          labels: { mesh_cert: 'istio-root', namespace: 'istio-system' },
          value: 1.9e9,
        },
        { labels: { mesh_cert: 'linkerd-identity' }, value: 1.8e9 },
        { labels: { mesh_cert: 'other', namespace: 'x' }, value: 1 },
      ]),
    ).toEqual([
      { cert: 'istio-root', namespace: 'istio-system', expiresAt: 1.9e9 },
      { cert: 'linkerd-identity', namespace: '', expiresAt: 1.8e9 },
    ]);
  });

  it('keeps the Istio version each proxy reports, by namespace and pod', () => {
    expect(
      istioProxyBuild.parse([
        {
          labels: { namespace: 'shop', pod: 'checkout-1', tag: '1.27.1' },
          value: 1,
        },
        {
          labels: { namespace: 'shop', pod: 'checkout-2', tag: '1.26.3' },
          value: 1,
        },
        {
          labels: { namespace: 'shop', pod: 'checkout-2', tag: '1.26.3' },
          value: 1,
        },
        { labels: { namespace: 'shop', pod: 'x', tag: 'unknown' }, value: 1 },
        { labels: { pod: 'no-namespace', tag: '1.27.1' }, value: 1 },
      ]),
    ).toEqual({
      shop: { 'checkout-1': ['1.27.1'], 'checkout-2': ['1.26.3'] },
    });
    // One query for the whole fleet, whatever the number of proxies.
    expect(istioProxyBuild.promql('5m', '')).toBe(
      'count by (namespace, pod, tag) (istio_build{component="proxy"})',
    );
    expect(istioProxyBuild.promql('5m', 'namespace=~"a|b"')).toBe(
      'count by (namespace, pod, tag) (istio_build{component="proxy",namespace=~"a|b"})',
    );
  });

  it('aggregates by namespace whatever the shard, with no empty braces', () => {
    const whole = meshCertificateExpiry.promql('5m', '');
    expect(whole).toContain(
      'min by (namespace) (citadel_server_root_cert_expiry_timestamp)',
    );
    expect(whole).not.toContain('{}');
    expect(meshCertificateExpiry.promql('5m', 'namespace=~"a|b"')).toContain(
      'identity_cert_expiration_timestamp_seconds{namespace=~"a|b"}',
    );
    expect(pilotConvergence.promql('5m', '')).toBe(
      'sum by (namespace, pod, le) (rate(pilot_proxy_convergence_time_bucket[5m]))',
    );
  });
});
