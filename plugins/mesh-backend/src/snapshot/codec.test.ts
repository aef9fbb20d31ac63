import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';
import { metrics, snapshot, traffic, buckets } from '../__testUtils__/fixtures';
import {
  decodeSnapshot,
  encodeSnapshot,
  encodeSnapshotSteps,
  SNAPSHOT_FORMAT,
} from './codec';

describe('snapshot codec', () => {
  const original: ClusterSnapshot = snapshot('prod', [], {
    metrics: metrics({
      'shop/checkout': traffic({
        latencyBuckets: buckets([10, 1], [Infinity, 2]),
      }),
    }),
  });

  it('round-trips non-finite numbers that plain JSON turns into null', () => {
    const text = encodeSnapshot(original);
    expect(
      JSON.parse(JSON.stringify(original)).prometheus.data.series.istioLatency[
        'shop/checkout'
      ][0].buckets[1].le,
    ).toBeNull();
    const decoded = decodeSnapshot(text)!;
    expect(decoded).toEqual(original);
    expect(
      decoded.prometheus.data!.series.istioLatency['shop/checkout'][0]
        .buckets[1].le,
    ).toBe(Infinity);
  });

  it.each([
    ['-Infinity', -Infinity],
    ['NaN', NaN],
  ])('round-trips %s', (_name, value) => {
    const s = { ...original, timings: { odd: value } };
    expect(decodeSnapshot(encodeSnapshot(s))!.timings!.odd).toBe(value);
  });

  it('leaves objects that merely look similar alone', () => {
    const s = {
      ...original,
      timings: { $nonFinite: 1 } as unknown as Record<string, number>,
    };
    expect(decodeSnapshot(encodeSnapshot(s))!.timings).toEqual({
      $nonFinite: 1,
    });
  });

  it('writes, step by step, exactly what one stringify of the snapshot wrote', () => {
    const keepNonFinite = (_key: string, value: unknown) =>
      typeof value === 'number' && !Number.isFinite(value)
        ? { $nonFinite: String(value) }
        : value;
    const pods = Array.from({ length: 2_000 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-${i}`,
        namespace: `ns-${i % 7}`,
        labels: { app: `web-${i % 50}` },
      },
      spec: { containers: [{ name: 'web', image: `web:${i}` }] },
    }));
    const big: ClusterSnapshot = {
      ...snapshot('prod', pods, {
        metrics: metrics({
          'shop/checkout': traffic({
            latencyBuckets: buckets([10, 1], [Infinity, 2]),
          }),
        }),
      }),
      timings: { odd: NaN, kubernetes: 12 },
    };
    const { kubernetes, ...rest } = big;
    const oneShot = `{"format":${SNAPSHOT_FORMAT},"snapshot":{"kubernetes":${JSON.stringify(
      kubernetes,
    )},${JSON.stringify(rest, keepNonFinite).slice(1, -1)}}}`;
    const steps = encodeSnapshotSteps(big);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    expect(step.value.join('') === oneShot).toBe(true);
    expect(pauses).toBeGreaterThan(10);
    expect(decodeSnapshot(oneShot)).toEqual(big);
  });

  it('refuses a snapshot written in another format', () => {
    expect(decodeSnapshot(JSON.stringify(original))).toBeUndefined();
    expect(
      decodeSnapshot(
        JSON.stringify({ format: SNAPSHOT_FORMAT - 1, snapshot: original }),
      ),
    ).toBeUndefined();
  });
});
