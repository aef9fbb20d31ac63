import {
  keepLastGood,
  notYetCollected,
  snapshotCluster,
  traceServiceNames,
  TRACING_LOOKBACK_MS,
} from './snapshotCluster';
import {
  ClusterSnapshot,
  SourceOutcome,
  TracingFetchRequest,
} from '@mesh-readiness/plugin-mesh-node';

const outcome = <T>(
  o: Partial<SourceOutcome<T>> & Pick<SourceOutcome<T>, 'name'>,
): SourceOutcome<T> => ({
  configured: true,
  ok: true,
  fetchedAt: '2026-11-25T10:05:00.000Z',
  ...o,
});

const facts = (marker: string) => ({
  namespaces: {},
  workloads: [],
  mesh: { services: [] },
  unavailable: [],
  absent: [marker],
  objectCount: 0,
});
const metrics = (marker: string) => ({
  window: '5m',
  series: {},
  problems: [marker],
  queries: 4,
});

function snapshot(
  k: Partial<SourceOutcome<any>>,
  p: Partial<SourceOutcome<any>>,
): ClusterSnapshot {
  return {
    cluster: 'eu',
    kubernetes: outcome({ name: 'kubernetes', ...k }),
    prometheus: outcome({ name: 'prometheus', ...p }),
    tracing: outcome({ name: 'tracing', configured: false, ok: false }),
  };
}

describe('keepLastGood', () => {
  const previous = snapshot(
    { data: facts('old-k8s'), fetchedAt: '2026-11-25T10:00:00.000Z' },
    { data: metrics('old-prom'), fetchedAt: '2026-11-25T10:00:00.000Z' },
  );

  it('keeps fresh data when every source answered', () => {
    const fresh = snapshot(
      { data: facts('new-k8s') },
      { data: metrics('new-prom') },
    );
    expect(keepLastGood(fresh, previous)).toEqual(fresh);
  });

  it('keeps the last good data of a failed source, still marked failed, with its time', () => {
    const fresh = snapshot(
      { data: facts('new-k8s') },
      { ok: false, error: 'ECONNREFUSED' },
    );
    const kept = keepLastGood(fresh, previous);
    expect(kept.kubernetes).toEqual(fresh.kubernetes);
    expect(kept.prometheus).toEqual({
      name: 'prometheus',
      configured: true,
      ok: false,
      error: 'ECONNREFUSED',
      fetchedAt: '2026-11-25T10:05:00.000Z',
      data: metrics('old-prom'),
      lastGoodAt: '2026-11-25T10:00:00.000Z',
    });
  });

  it('carries the original time through consecutive failures', () => {
    const failedOnce = keepLastGood(
      snapshot({ data: facts('k') }, { ok: false, error: 'down' }),
      previous,
    );
    const failedTwice = keepLastGood(
      snapshot(
        { data: facts('k'), fetchedAt: '2026-11-25T10:10:00.000Z' },
        { ok: false, error: 'down', fetchedAt: '2026-11-25T10:10:00.000Z' },
      ),
      failedOnce,
    );
    expect(failedTwice.prometheus.lastGoodAt).toBe('2026-11-25T10:00:00.000Z');
    expect(failedTwice.prometheus.data).toEqual(metrics('old-prom'));
  });

  it('has nothing to keep on the first run, or for an unconfigured source', () => {
    const fresh = snapshot(
      { ok: false, error: 'no such directory' },
      { configured: false, ok: false },
    );
    expect(keepLastGood(fresh, undefined)).toEqual(fresh);
    expect(keepLastGood(fresh, previous).prometheus).toEqual(fresh.prometheus);
  });
});

describe('notYetCollected', () => {
  it('fails both sources with the reason, without data', () => {
    const s = notYetCollected('us', true);
    expect(s.kubernetes).toMatchObject({
      ok: false,
      error: "cluster 'us' has not been collected yet",
    });
    expect(s.prometheus).toMatchObject({ ok: false, configured: true });
    expect(s.kubernetes.data).toBeUndefined();
    expect(notYetCollected('us', false).prometheus.configured).toBe(false);
  });
});

describe('snapshotCluster with a tracing back end', () => {
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'reviews-1',
        namespace: 'bookinfo',
        labels: { app: 'reviews' },
      },
      spec: {
        containers: [
          { name: 'reviews' },
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.27.1' },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'legacy-1',
        namespace: 'bookinfo',
        labels: { app: 'legacy' },
      },
      spec: { containers: [{ name: 'legacy' }] },
    },
  ];
  const kubernetes = {
    description: 'fixture',
    fetch: async () => ({ objects, problems: [], requests: 1 }),
  };
  const now = new Date('2026-11-25T10:00:00.000Z');

  it('samples the trace service names of meshed workloads over the lookback', async () => {
    const requests: TracingFetchRequest[] = [];
    const taken = await snapshotCluster(
      'eu',
      {
        kubernetes,
        tracing: {
          description: 'Jaeger http://jaeger:16686',
          fetch: async req => {
            requests.push(req);
            return {
              traces: [],
              perService: {},
              problems: ['search for reviews timed out'],
              requests: 2,
            };
          },
        },
      },
      now,
    );
    expect(requests).toEqual([
      {
        services: ['reviews', 'reviews.bookinfo'],
        start: new Date(now.getTime() - TRACING_LOOKBACK_MS),
        end: now,
      },
    ]);
    expect(taken.tracing).toMatchObject({
      name: 'tracing',
      configured: true,
      ok: true,
      error:
        '1 part(s) of Jaeger http://jaeger:16686 skipped: search for reviews timed out',
    });
  });

  it('marks the tracing source failed when the back end is unreachable', async () => {
    const taken = await snapshotCluster(
      'eu',
      {
        kubernetes,
        tracing: {
          description: 'Jaeger',
          fetch: async () => {
            throw new Error(
              'Jaeger at http://jaeger:16686 is unreachable: ECONNREFUSED',
            );
          },
        },
      },
      now,
    );
    expect(taken.tracing).toMatchObject({
      ok: false,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(taken.kubernetes.ok).toBe(true);
  });

  it('has an unconfigured tracing source when none is set', async () => {
    const taken = await snapshotCluster('eu', { kubernetes }, now);
    expect(taken.tracing).toMatchObject({ configured: false, ok: false });
    expect(traceServiceNames(taken.kubernetes.data)).toEqual([
      'reviews',
      'reviews.bookinfo',
    ]);
  });
});
