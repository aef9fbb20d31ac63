import { startPrometheus } from 'mesh-devtools/prometheus';
import { toOpenMetrics, TrafficSpec } from 'mesh-devtools/metrics';

export type RunningPrometheus = Awaited<ReturnType<typeof startPrometheus>>;

/**
 * A real Prometheus (Debian's package) on a free loopback port, holding `minutes` of
 * the given traffic up to now. Stop it in afterAll.
 */
export async function startPrometheusWithTraffic(
  spec: TrafficSpec,
  minutes = 15,
): Promise<RunningPrometheus> {
  const end = Math.floor(Date.now() / 1000);
  const start = end - minutes * 60;
  return startPrometheus({
    openMetrics: toOpenMetrics(spec, { start, end, step: 15 }),
  });
}
