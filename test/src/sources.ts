import { startFixtureKubeApi } from 'mesh-devtools/kubeApi';
import { toOpenMetrics } from 'mesh-devtools/metrics';
import { startPrometheus } from 'mesh-devtools/prometheus';
import { readManifests, Scenario } from './scenario';

const FIXTURE_TOKEN = 'scenario-service-account-token';

/**
 * Starts what a scenario's clusters need: a real Prometheus per cluster with metrics
 * (15 minutes backfilled up to now, plus the spec's `baseline` window days back when it
 * has one) and, for clusters served live, the fixture
 * Kubernetes API. Returns the `mesh.clusters` config and a stop function.
 */
export async function startScenarioSources(scenario: Scenario): Promise<{
  clusters: Record<string, unknown>[];
  /** The paths the fixture Kubernetes API of a cluster was asked for. */
  kubeRequests: (cluster: string) => string[];
  stop: () => Promise<void>;
}> {
  const stops: (() => Promise<void>)[] = [];
  const requests = new Map<string, string[]>();
  const clusters: Record<string, unknown>[] = [];
  try {
    for (const c of scenario.clusters) {
      let prometheus: { url: string } | undefined;
      if (c.metrics) {
        const end = Math.floor(Date.now() / 1000);
        const p = await startPrometheus({
          openMetrics: toOpenMetrics(c.metrics, {
            start: end - 900,
            end,
            step: 15,
          }),
          // Blocks further back than the retention are dropped at start-up.
          ...(c.metrics.baseline
            ? {
                retentionTime: `${
                  Math.ceil(c.metrics.baseline.daysAgo ?? 7) + 7
                }d`,
              }
            : {}),
        });
        stops.push(p.stop);
        prometheus = { url: p.url };
      }
      let kubernetes: Record<string, unknown> = {
        manifestsDir: c.kubernetesDir,
      };
      if (c.source === 'api') {
        const api = await startFixtureKubeApi({
          objects: readManifests(c.kubernetesDir),
          token: FIXTURE_TOKEN,
          forbidden: c.forbidden,
          pageSizeCap: 5,
        });
        stops.push(api.stop);
        requests.set(c.name, api.requests);
        kubernetes = {
          url: api.url,
          serviceAccountToken: FIXTURE_TOKEN,
          skipTLSVerify: true,
        };
      }
      clusters.push({
        name: c.name,
        kubernetes,
        ...(prometheus ? { prometheus } : {}),
        ...(c.tracesDir
          ? { tracing: { type: 'files', dir: c.tracesDir } }
          : {}),
      });
    }
  } catch (e) {
    await Promise.all(stops.map(s => s()));
    throw e;
  }
  return {
    clusters,
    kubeRequests: name => requests.get(name) ?? [],
    stop: async () => void (await Promise.all(stops.map(s => s()))),
  };
}
