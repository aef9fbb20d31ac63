import { SchedulerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { RefreshResponse } from '@mesh-readiness/plugin-mesh-common';
import { ClusterRunStore } from '../store/ClusterRunStore';

/** The scheduled task that collects one cluster, on whichever replica runs it. */
export const collectTaskId = (cluster: string) => `mesh-collect:${cluster}`;

export interface TriggeredRefreshOptions {
  scheduler: Pick<SchedulerService, 'triggerTask'>;
  runs: Pick<ClusterRunStore, 'get'>;
  /**
   * How long to wait for a collecting replica: the run deadline, plus the time the
   * scheduler takes to notice a triggered task (its work check runs every few seconds).
   */
  waitMs: number;
  /** How often the run counters are read while waiting. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * A refresh on a replica that does not collect (mesh.collector.enabled: false): it
 * triggers each cluster's task in the database and waits until a collecting replica
 * has finished a run of it. A task already running is joined, not queued again, which
 * is the coalescing the in-process collector does too. Nothing here fetches a source,
 * so a serving replica's event loop stays free for reads.
 */
export class TriggeredRefresh {
  constructor(private readonly options: TriggeredRefreshOptions) {}

  async refresh(clusters: string[]): Promise<RefreshResponse> {
    return {
      clusters: await Promise.all(clusters.map(c => this.refreshCluster(c))),
    };
  }

  private async refreshCluster(
    cluster: string,
  ): Promise<RefreshResponse['clusters'][number]> {
    const { scheduler, runs, waitMs } = this.options;
    const pollMs = this.options.pollMs ?? 250;
    const before = await runs.get(cluster);
    try {
      await scheduler.triggerTask(collectTaskId(cluster));
    } catch (e) {
      const name = (e as Error)?.name;
      // Running already: its result is as fresh as the one asked for.
      if (name !== 'ConflictError') {
        return {
          name: cluster,
          ok: false,
          error:
            name === 'NotFoundError'
              ? `no replica collects cluster '${cluster}': its task was never scheduled (set mesh.collector.enabled: true on at least one replica)`
              : `could not trigger the collection of cluster '${cluster}': ${stringifyError(
                  e,
                )}`,
        };
      }
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      await sleep(pollMs);
      const now = await runs.get(cluster);
      if (now.finishedRuns > before.finishedRuns) {
        return now.ok
          ? { name: cluster, ok: true }
          : {
              name: cluster,
              ok: false,
              error: now.error ?? 'the collection failed',
            };
      }
    }
    return {
      name: cluster,
      ok: false,
      error: `no collecting replica finished a run of cluster '${cluster}' within ${Math.round(
        waitMs / 1000,
      )}s; the stored reports stay as they are`,
    };
  }
}
