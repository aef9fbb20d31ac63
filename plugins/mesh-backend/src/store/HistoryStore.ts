import { HistoryPoint, MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';

const TABLE = 'mesh_history';
const BATCH = 200;

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * One point per entity per day: the day's latest score and check statuses. A day's point
 * is overwritten by later runs that day, so the table grows by entities × days only.
 */
export class HistoryStore {
  constructor(private readonly db: Knex) {}

  /**
   * Records the day's point of each report. A stale report (a source failed) records
   * nothing: the day keeps what the last good run said, so an outage of the monitoring
   * never reads as a regression of the service.
   */
  async record(all: MeshReport[]): Promise<void> {
    const reports = all.filter(r => !r.stale);
    if (reports.length === 0) return;
    await this.db.transaction(async tx => {
      for (let i = 0; i < reports.length; i += BATCH) {
        const rows = reports.slice(i, i + BATCH).map(r => ({
          entity_ref: r.entityRef.toLocaleLowerCase('en-US'),
          day: dayOf(r.generatedAt),
          score: r.readiness.score,
          level: r.readiness.level,
          statuses: JSON.stringify(
            Object.fromEntries(r.checks.map(c => [c.id, c.status])),
          ),
          updated_at: tx.fn.now(),
        }));
        await tx(TABLE)
          .insert(rows)
          .onConflict(['entity_ref', 'day'])
          .merge(['score', 'level', 'statuses', 'updated_at']);
      }
    });
  }

  async get(entityRef: string, sinceDay: string): Promise<HistoryPoint[]> {
    const rows = await this.db(TABLE)
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .andWhere('day', '>=', sinceDay)
      .orderBy('day');
    return rows.map(r => ({
      day: r.day,
      score: Number(r.score),
      level: r.level,
      statuses: JSON.parse(r.statuses),
    }));
  }

  /** Deletes points older than `retentionDays` before `today`; returns how many. */
  async prune(today: string, retentionDays: number): Promise<number> {
    const cutoff = new Date(`${today}T00:00:00Z`);
    cutoff.setUTCDate(cutoff.getUTCDate() - retentionDays);
    return this.db(TABLE)
      .where('day', '<', cutoff.toISOString().slice(0, 10))
      .delete();
  }
}
