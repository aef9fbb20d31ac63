import http from 'node:http';
import { AddressInfo } from 'node:net';
import { MetricQuery } from '@mesh-readiness/plugin-mesh-node';
import { PrometheusClient } from './PrometheusClient';
import { PrometheusSource } from './PrometheusSource';

/** Entries whose PromQL names them, so the fixture server can tell them apart. */
function catalogOf(ids: string[]): Record<string, MetricQuery<unknown>> {
  return Object.fromEntries(
    ids.map(id => [
      id,
      {
        namespaceLabel: 'namespace',
        promql: () => `${id}_total`,
        parse: () => ({}),
      } as unknown as MetricQuery<unknown>,
    ]),
  );
}

/**
 * A Prometheus that never answers a query (except `fails_total`, which it rejects at
 * once), counting the queries it received and the connections closed on it while it
 * was still holding them.
 */
async function hangingPrometheus() {
  const state = { queries: 0, closed: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => {
      body += c;
    });
    req.on('end', () => {
      state.queries += 1;
      if (body.includes('fails_total')) {
        res.statusCode = 400;
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: 'no',
          }),
        );
        return;
      }
      res.on('close', () => {
        if (!res.writableEnded) state.closed += 1;
      });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    close: async () => {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}

async function eventually(check: () => void, ms = 3000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise(r => setTimeout(r, 20));
    }
  }
}

describe('PrometheusSource cancels the rest of a run', () => {
  let prometheus: Awaited<ReturnType<typeof hangingPrometheus>>;
  beforeEach(async () => {
    prometheus = await hangingPrometheus();
  });
  afterEach(async () => {
    await prometheus.close();
  });

  const source = (ids: string[], concurrency: number, timeoutMs = 30_000) =>
    new PrometheusSource({
      querier: new PrometheusClient({ url: prometheus.url, timeoutMs }),
      description: 'Prometheus fixture',
      window: '5m',
      concurrency,
      shardCount: 1,
      recordingRules: false,
      catalog: catalogOf(ids),
    });

  it('sends no further query once one timed out, and closes its connection', async () => {
    const run = source(['a', 'b', 'c', 'd'], 1, 200).fetch();
    await expect(run).rejects.toThrow(
      "catalog entry 'a': Prometheus at http://127.0.0.1",
    );
    // Long enough for the next queued queries to have been sent, were they.
    await new Promise(r => setTimeout(r, 300));
    expect(prometheus.state.queries).toBe(1);
    await eventually(() => expect(prometheus.state.closed).toBe(1));
  });

  it('aborts the queries in flight when one fails, releasing their connections', async () => {
    const started = Date.now();
    const run = source(['a', 'fails', 'b', 'c'], 2).fetch();
    await expect(run).rejects.toThrow(
      "catalog entry 'fails': Prometheus rejected the query",
    );
    // The hanging query `a` is cancelled long before its 30 s timeout.
    await eventually(() => expect(prometheus.state.closed).toBe(1), 2000);
    expect(Date.now() - started).toBeLessThan(5000);
    await new Promise(r => setTimeout(r, 200));
    expect(prometheus.state.queries).toBe(2);
  });

  it('aborts every query when the caller’s signal fires, saying why', async () => {
    const controller = new AbortController();
    const run = source(['a', 'b'], 2).fetch(new Date(), {
      signal: controller.signal,
    });
    await eventually(() => expect(prometheus.state.queries).toBe(2));
    controller.abort(new Error('run deadline of 3m passed'));
    await expect(run).rejects.toThrow('run deadline of 3m passed');
    await eventually(() => expect(prometheus.state.closed).toBe(2));
  });
});
