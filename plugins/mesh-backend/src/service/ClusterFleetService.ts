import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  ClusterFleetHistoryResponse,
  ClustersResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { ClusterFleetStore } from '../store/ClusterFleetStore';
import { ClusterRunStore } from '../store/ClusterRunStore';

/** The first day of a `days`-long range ending today, `YYYY-MM-DD`. */
function firstDay(days: number, now: Date): string {
  const d = new Date(now.getTime());
  d.setUTCDate(d.getUTCDate() - (days - 1));
  return d.toISOString().slice(0, 10);
}

/**
 * The fleet figures of each cluster, per collection run (`GET /v1/clusters`). They are
 * aggregates over the cluster's catalog entities, recorded at collection time, not per
 * viewer: like a roll-up's trend, a cluster is served only to a caller who sees at least
 * one scorecard entity in it today (else it is left out, or 404 by name).
 */
export class ClusterFleetService {
  constructor(
    private readonly options: {
      /** The configured clusters, in config order. */
      clusters: () => string[];
      fleet: ClusterFleetStore;
      runs: ClusterRunStore;
      /** The clusters the caller sees at least one scorecard entity in. */
      visibleClusters: (
        credentials: BackstageCredentials,
      ) => Promise<Set<string>>;
    },
  ) {}

  async list(credentials: BackstageCredentials): Promise<ClustersResponse> {
    const visible = await this.options.visibleClusters(credentials);
    const names = this.options.clusters().filter(c => visible.has(c));
    if (names.length === 0) return { clusters: [] };
    const latest = await this.options.fleet.latest(names);
    const clusters = await Promise.all(
      names.map(async name => {
        const run = await this.options.runs.get(name);
        const fleet = latest.get(name);
        return {
          name,
          lastRun:
            run.finishedRuns > 0
              ? { finishedAt: run.finishedAt ?? null, ok: run.ok ?? null }
              : null,
          ...(fleet ? { fleet } : {}),
        };
      }),
    );
    return { clusters };
  }

  async history(
    cluster: string,
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<ClusterFleetHistoryResponse> {
    if (
      !this.options.clusters().includes(cluster) ||
      !(await this.options.visibleClusters(credentials)).has(cluster)
    ) {
      throw new NotFoundError(
        `No cluster '${cluster}' with scorecard entities that you may see`,
      );
    }
    return {
      cluster,
      days,
      points: await this.options.fleet.history(cluster, firstDay(days, now)),
    };
  }
}
