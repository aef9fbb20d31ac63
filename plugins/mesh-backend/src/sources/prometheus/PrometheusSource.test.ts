import http from 'node:http';
import { AddressInfo } from 'node:net';
import type { TrafficSpec } from 'mesh-devtools/metrics';
import { freePort } from 'mesh-devtools/prometheus';
import { histogramQuantile } from '../../snapshot/histogram';
import {
  RunningPrometheus,
  startPrometheusWithTraffic,
} from '../../__testUtils__/prometheus';
import { PrometheusClient } from './PrometheusClient';
import { PrometheusSource } from './PrometheusSource';

const spec: TrafficSpec = {
  services: [
    {
      namespace: 'shop',
      workload: 'checkout',
      provider: 'istio',
      rps: 20,
      pods: 2,
      responses: { '200': 0.9, '404': 0.04, '503': 0.06 },
      latencyMs: { p50: 20, p99: 200 },
    },
    // Seen by both its sidecar and a waypoint: must not be counted twice.
    {
      namespace: 'shop',
      workload: 'cart',
      provider: 'istio',
      reporter: 'destination',
      rps: 10,
    },
    {
      namespace: 'shop',
      workload: 'cart',
      provider: 'istio',
      reporter: 'waypoint',
      rps: 10,
    },
    {
      namespace: 'inventory',
      workload: 'inventory',
      provider: 'istio',
      reporter: 'waypoint',
      rps: 5,
    },
    {
      namespace: 'payments',
      workload: 'payments',
      provider: 'linkerd',
      rps: 8,
      responses: { '200': 0.7, '429': 0.2, '502': 0.1 },
      latencyMs: { p50: 30, p99: 300 },
    },
    {
      namespace: 'data',
      workload: 'orders-db',
      provider: 'linkerd',
      kind: 'statefulset',
      rps: 2,
    },
  ],
};

describe('PrometheusSource against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;

  beforeAll(async () => {
    prometheus = await startPrometheusWithTraffic(spec);
    client = new PrometheusClient({ url: prometheus.url });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('collects every workload with a fixed number of queries', async () => {
    const before = client.requests;
    const data = await new PrometheusSource(
      client,
      '5m',
      prometheus.url,
    ).fetch();
    expect(client.requests - before).toBe(4);
    expect(data.queries).toBe(4);
    expect(Object.keys(data.workloads).sort()).toEqual([
      'data/orders-db',
      'inventory/inventory',
      'payments/payments',
      'shop/cart',
      'shop/checkout',
    ]);
  });

  it('computes rates and error shares per workload', async () => {
    const { workloads } = await new PrometheusSource(
      client,
      '5m',
      prometheus.url,
    ).fetch();
    const checkout = workloads['shop/checkout'];
    expect(checkout.provider).toBe('istio');
    expect(checkout.reporter).toBe('destination');
    // rate() extrapolates at the window's edge: ranges, not exact values.
    expect(checkout.requestsPerSecond).toBeGreaterThan(17);
    expect(checkout.requestsPerSecond).toBeLessThan(21);
    expect(
      checkout.serverErrorsPerSecond / checkout.requestsPerSecond,
    ).toBeCloseTo(0.06, 3);
    expect(
      checkout.clientErrorsPerSecond / checkout.requestsPerSecond,
    ).toBeCloseTo(0.04, 3);

    const payments = workloads['payments/payments'];
    expect(payments.provider).toBe('linkerd');
    expect(
      payments.serverErrorsPerSecond / payments.requestsPerSecond,
    ).toBeCloseTo(0.1, 3);
    expect(
      payments.clientErrorsPerSecond / payments.requestsPerSecond,
    ).toBeCloseTo(0.2, 3);
    expect(workloads['data/orders-db'].provider).toBe('linkerd');
  });

  it("prefers the sidecar's view over a waypoint's, and uses the waypoint for ambient", async () => {
    const { workloads } = await new PrometheusSource(
      client,
      '5m',
      prometheus.url,
    ).fetch();
    expect(workloads['shop/cart'].reporter).toBe('destination');
    expect(workloads['shop/cart'].requestsPerSecond).toBeLessThan(10.5);
    expect(workloads['inventory/inventory'].reporter).toBe('waypoint');
  });

  it.each([0.5, 0.95, 0.99])(
    'computes quantile %s from bucket rates exactly as PromQL histogram_quantile does',
    async q => {
      const at = new Date();
      const { workloads } = await new PrometheusSource(
        client,
        '5m',
        prometheus.url,
      ).fetch(at);
      const promql = await client.instantQuery(
        `histogram_quantile(${q}, sum by (destination_workload, le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload="checkout"}[5m])))`,
        at,
      );
      const expected = promql.samples[0].value;
      const ours = histogramQuantile(
        q,
        workloads['shop/checkout'].latencyBuckets,
      )!;
      expect(ours).toBeCloseTo(expected, 6);
    },
  );
});

describe('PrometheusClient faults', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheusWithTraffic({ services: [] }, 1);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reports a query Prometheus rejects with its own message', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await expect(client.instantQuery('sum by (( broken')).rejects.toThrow(
      /Prometheus rejected the query \(bad_data\)/,
    );
  });

  it('refuses a result of the wrong type', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    await expect(client.instantQuery('up[5m]')).rejects.toThrow(
      'Prometheus answered a matrix where a vector was expected',
    );
  });

  it('drops NaN samples and counts them', async () => {
    const client = new PrometheusClient({ url: prometheus.url });
    const result = await client.instantQuery(
      'vector(0) / vector(0) or label_replace(vector(1), "x", "y", "", "")',
    );
    expect(result.dropped).toBe(1);
    expect(result.samples).toEqual([{ labels: { x: 'y' }, value: 1 }]);
  });

  it('says when Prometheus is unreachable', async () => {
    const port = await freePort();
    const client = new PrometheusClient({ url: `http://127.0.0.1:${port}` });
    await expect(client.instantQuery('up')).rejects.toThrow(
      `Prometheus at http://127.0.0.1:${port} is unreachable: ECONNREFUSED`,
    );
  });

  describe('behind a misbehaving proxy', () => {
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        if (req.url?.startsWith('/slow')) {
          setTimeout(() => res.end('{}'), 2000).unref();
          return;
        }
        if (req.url?.startsWith('/wrong-shape')) {
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({
              status: 'success',
              data: {
                resultType: 'vector',
                result: [{ metric: {}, value: 'x' }],
              },
            }),
          );
          return;
        }
        res.statusCode = 502;
        res.setHeader('content-type', 'text/html');
        res.end('<html><body>Bad gateway</body></html>');
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    });

    it('explains an HTML error page', async () => {
      const client = new PrometheusClient({ url });
      await expect(client.instantQuery('up')).rejects.toThrow(
        /answered HTTP 502 with a body that is not JSON: <html>/,
      );
    });

    it('explains a malformed vector', async () => {
      const client = new PrometheusClient({ url: `${url}/wrong-shape` });
      await expect(client.instantQuery('up')).rejects.toThrow(
        /malformed vector/,
      );
    });

    it('gives up after the timeout', async () => {
      const client = new PrometheusClient({
        url: `${url}/slow`,
        timeoutMs: 200,
      });
      await expect(client.instantQuery('up')).rejects.toThrow(
        'the request timed out',
      );
    });
  });
});

describe('PrometheusClient statistics', () => {
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    prometheus = await startPrometheusWithTraffic(spec, 5);
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
  });

  it("adds up Prometheus's own evaluation time when asked", async () => {
    const client = new PrometheusClient({
      url: prometheus.url,
      collectStats: true,
    });
    await new PrometheusSource(client, '5m', prometheus.url).fetch();
    expect(client.requests).toBe(4);
    expect(client.evalMs).toBeGreaterThan(0);
    expect(client.evalMs).toBeLessThan(5000);
    const quiet = new PrometheusClient({ url: prometheus.url });
    await quiet.instantQuery('up');
    expect(quiet.evalMs).toBe(0);
  });
});
