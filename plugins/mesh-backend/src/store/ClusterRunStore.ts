import { Knex } from 'knex';

const TABLE = 'mesh_cluster_runs';

/** Where a cluster's collections stand, as every replica sees it. */
export interface ClusterRunState {
  cluster: string;
  startedRuns: number;
  finishedRuns: number;
  startedAt?: string;
  finishedAt?: string;
  /** How the last finished run ended. */
  ok?: boolean;
  error?: string;
}

/**
 * Counts the collections of each cluster in the database. Counters rather than times:
 * two replicas' clocks need not agree, and "a run finished after I asked" is then
 * "finishedRuns grew", whoever ran it.
 */
export class ClusterRunStore {
  constructor(private readonly db: Knex) {}

  async get(cluster: string): Promise<ClusterRunState> {
    const row = await this.db(TABLE).where({ cluster }).first();
    if (!row) return { cluster, startedRuns: 0, finishedRuns: 0 };
    return {
      cluster,
      startedRuns: Number(row.started_runs),
      finishedRuns: Number(row.finished_runs),
      startedAt: row.started_at ?? undefined,
      finishedAt: row.finished_at ?? undefined,
      ok: row.ok === null || row.ok === undefined ? undefined : Boolean(row.ok),
      error: row.error ?? undefined,
    };
  }

  async started(cluster: string, at: Date): Promise<void> {
    await this.ensure(cluster);
    await this.db(TABLE)
      .where({ cluster })
      .update({
        started_runs: this.db.raw('started_runs + 1'),
        started_at: at.toISOString(),
      });
  }

  async finished(
    cluster: string,
    at: Date,
    outcome: { ok: boolean; error?: string },
  ): Promise<void> {
    await this.ensure(cluster);
    await this.db(TABLE)
      .where({ cluster })
      .update({
        finished_runs: this.db.raw('finished_runs + 1'),
        finished_at: at.toISOString(),
        ok: outcome.ok,
        error: outcome.error ?? null,
      });
  }

  private async ensure(cluster: string): Promise<void> {
    await this.db(TABLE)
      .insert({ cluster, started_runs: 0, finished_runs: 0 })
      .onConflict('cluster')
      .ignore();
  }
}
