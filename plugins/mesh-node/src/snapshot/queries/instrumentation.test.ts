import { INSTRUMENTATION_QUERIES } from './instrumentation';

const query = INSTRUMENTATION_QUERIES.appHttpSeries;

/** The anchored metric-name regexes of the query, as Prometheus would apply them. */
function nameMatchers(promql: string) {
  const include = /__name__=~"([^"]+)"/.exec(promql)![1];
  const exclude = /__name__!~"([^"]+)"/.exec(promql)![1];
  return (name: string) =>
    new RegExp(`^(?:${include})$`).test(name) &&
    !new RegExp(`^(?:${exclude})$`).test(name);
}

describe('INSTRUMENTATION_QUERIES.appHttpSeries', () => {
  it('is one cluster-wide count by namespace, pod and metric name, with the kubernetes_* aliases', () => {
    const promql = query.promql('5m', '');
    expect(promql).toMatch(/^count by \(namespace, pod, app_metric\) \(/);
    expect(promql).toContain('"app_metric", "$1", "__name__", "(.+)"');
    expect(promql).toContain(
      '"namespace", "$1", "kubernetes_namespace", "(.+)"',
    );
    expect(promql).toContain('"pod", "$1", "kubernetes_pod_name", "(.+)"');
    expect(query.recordingRule!('5m')).toBe(
      'mesh_pod:app_http_server_series:count',
    );
  });

  it.each([
    'http_server_requests_seconds_count',
    'http_server_requests_seconds_bucket',
    'http_server_requests_seconds_max',
    'http_server_request_duration_seconds_bucket',
    'http_server_duration_milliseconds_bucket',
    'http_server_duration_count',
    'http_request_duration_seconds_sum',
    'http_requests_total',
    'http_requests_received_total',
    'http_server_requests_total',
    'flask_http_request_total',
    'flask_http_request_duration_seconds_bucket',
    'django_http_requests_total_by_method_total',
    'starlette_requests_total',
    'actix_web_prom_http_requests_total',
    'axum_http_requests_duration_seconds_bucket',
  ])('counts the app metric %s', name => {
    expect(nameMatchers(query.promql('5m', ''))(name)).toBe(true);
  });

  it.each([
    'promhttp_metric_handler_requests_total',
    'istio_requests_total',
    'envoy_http_downstream_rq_total',
    'envoy_cluster_http_requests_total',
    'nginx_ingress_controller_http_requests_total',
    'request_total',
    'process_cpu_seconds_total',
    'http_client_requests_seconds_count',
  ])('never counts %s', name => {
    expect(nameMatchers(query.promql('5m', ''))(name)).toBe(false);
  });

  it.each([
    ['/metrics', false],
    ['/actuator/health/liveness', false],
    ['/actuator/prometheus', false],
    ['/healthz', false],
    ['/q/health/ready', false],
    ['/api/v1/readyz', false],
    ['/orders/{id}', true],
    ['/healthcare/records', true],
    ['', true],
  ])('route %s counted: %s', (route, counted) => {
    const promql = query.promql('5m', '');
    const health = /uri!~"([^"]+)"/.exec(promql)![1];
    expect(!new RegExp(`^(?:${health})$`).test(route)).toBe(counted);
    for (const label of ['route', 'path', 'handler', 'http_route']) {
      expect(promql).toContain(`${label}!~"${health}"`);
    }
  });

  it('puts a shard matcher in the selector', () => {
    expect(query.promql('5m', 'namespace=~"shop"')).toContain(
      ',namespace=~"shop"}',
    );
  });

  it('keys series by namespace, reads the aliases, adds up shards and drops incomplete rows', () => {
    expect(
      query.parse([
        {
          labels: {
            namespace: 'shop',
            pod: 'checkout-0',
            app_metric: 'http_server_requests_seconds_count',
          },
          value: 4,
        },
        {
          labels: {
            namespace: 'shop',
            pod: 'checkout-0',
            app_metric: 'http_server_requests_seconds_count',
          },
          value: 2,
        },
        {
          labels: {
            kubernetes_namespace: 'pay',
            kubernetes_pod_name: 'pay-0',
            __name__: 'http_requests_total',
          },
          value: 3,
        },
        { labels: { namespace: 'shop', app_metric: 'x' }, value: 1 },
        {
          labels: { namespace: 'shop', pod: 'p', app_metric: 'x' },
          value: NaN,
        },
      ]),
    ).toEqual({
      shop: [
        {
          pod: 'checkout-0',
          metric: 'http_server_requests_seconds_count',
          series: 6,
        },
      ],
      pay: [{ pod: 'pay-0', metric: 'http_requests_total', series: 3 }],
    });
  });
});
