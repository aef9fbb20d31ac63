import {
  HistoryHealth,
  HistoryPoint,
  MeshReport,
  RollupHistoryPoint,
  ScorecardRollup,
  ScorecardRollupBy,
} from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';

const TABLE = 'mesh_history';
const ROLLUPS = 'mesh_history_rollups';
/** The scorecard's table, which the fleet's daily point aggregates. */
const SCORECARD = 'mesh_scorecard';
const BATCH = 200;

/**
 * The fleet's daily point is kept with the roll-ups', under a `by` no roll-up has, so the
 * pruning and the table's key serve it too.
 */
const FLEET = { by: 'fleet', key: '' };

/** The day's golden-signal figures of a report, without the status and its working. */
function historyHealth(r: MeshReport): HistoryHealth {
  const { requestsPerSecond, successRate, latencyMs } = r.health;
  return {
    requestsPerSecond,
    successRate,
    latencyMs: { p50: latencyMs.p50, p95: latencyMs.p95, p99: latencyMs.p99 },
  };
}

interface HistoryRow {
  day: string;
  score: number | string;
  level: HistoryPoint['level'];
  statuses: string;
  health?: string | null;
}

interface RollupRow {
  day: string;
  entities: number | string;
  average_score: number | string;
  levels: string;
  workloads: number | string;
  meshed_workloads: number | string;
}

function toPoint(r: HistoryRow): HistoryPoint {
  return {
    day: r.day,
    score: Number(r.score),
    level: r.level,
    statuses: JSON.parse(r.statuses),
    ...(r.health ? { health: JSON.parse(r.health) } : {}),
  };
}

function toRollupPoint(r: RollupRow): RollupHistoryPoint {
  return {
    day: r.day,
    entities: Number(r.entities),
    averageScore: Number(r.average_score),
    levels: JSON.parse(r.levels),
    meshedWorkloads: Number(r.meshed_workloads),
    workloads: Number(r.workloads),
  };
}

/** The UTC day of a timestamp, `YYYY-MM-DD`. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * One point per entity per day: the day's latest score, check statuses and golden
 * signals. A day's point
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
          health: JSON.stringify(historyHealth(r)),
          updated_at: tx.fn.now(),
        }));
        await tx(TABLE)
          .insert(rows)
          .onConflict(['entity_ref', 'day'])
          .merge(['score', 'level', 'statuses', 'health', 'updated_at']);
      }
    });
  }

  async get(entityRef: string, sinceDay: string): Promise<HistoryPoint[]> {
    const rows = await this.db(TABLE)
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .andWhere('day', '>=', sinceDay)
      .orderBy('day');
    return rows.map(toPoint);
  }

  /**
   * The points of many entities since `sinceDay`, in ONE query (a collection run reads
   * its entities' rollout windows from them): keyed by lower-cased entity ref. A long
   * list is not sent as parameters (databases cap them): the day range is read whole and
   * filtered here.
   */
  async getMany(
    entityRefs: string[],
    sinceDay: string,
  ): Promise<Map<string, HistoryPoint[]>> {
    const refs = new Set(entityRefs.map(r => r.toLocaleLowerCase('en-US')));
    const out = new Map<string, HistoryPoint[]>();
    if (refs.size === 0) return out;
    let query = this.db(TABLE).where('day', '>=', sinceDay);
    if (refs.size <= BATCH) query = query.whereIn('entity_ref', [...refs]);
    const rows = await query.orderBy('day');
    for (const r of rows) {
      if (!refs.has(r.entity_ref)) continue;
      const points = out.get(r.entity_ref) ?? [];
      points.push(toPoint(r));
      out.set(r.entity_ref, points);
    }
    return out;
  }

  /**
   * Deletes entity and roll-up points older than `retentionDays` before `today`;
   * returns how many entity points went.
   */
  async prune(today: string, retentionDays: number): Promise<number> {
    const cutoff = new Date(`${today}T00:00:00Z`);
    cutoff.setUTCDate(cutoff.getUTCDate() - retentionDays);
    const day = cutoff.toISOString().slice(0, 10);
    await this.db(ROLLUPS).where('day', '<', day).delete();
    return this.db(TABLE).where('day', '<', day).delete();
  }

  /**
   * The day's point of every roll-up key (the fleet's roll-ups as the scorecard had them
   * after the run); later runs that day overwrite it.
   */
  async recordRollups(
    day: string,
    rollups: Map<ScorecardRollupBy, ScorecardRollup[]>,
  ): Promise<void> {
    const rows = [...rollups.entries()].flatMap(([by, list]) =>
      list.map(r => ({
        by,
        key: r.key,
        day,
        entities: r.entities,
        average_score: r.averageScore,
        levels: JSON.stringify(r.levels),
        workloads: r.rollout.workloads,
        meshed_workloads: r.rollout.meshedWorkloads,
      })),
    );
    await this.upsertRollups(rows);
  }

  /** Writes roll-up points; a key's point of a day replaces the one before it. */
  private async upsertRollups(
    rows: Array<RollupRow & { by: string; key: string }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction(async tx => {
      for (let i = 0; i < rows.length; i += BATCH) {
        await tx(ROLLUPS)
          .insert(
            rows
              .slice(i, i + BATCH)
              .map(r => ({ ...r, updated_at: tx.fn.now() })),
          )
          .onConflict(['by', 'key', 'day'])
          .merge([
            'entities',
            'average_score',
            'levels',
            'workloads',
            'meshed_workloads',
            'updated_at',
          ]);
      }
    });
  }

  /** The daily points of one roll-up key since `sinceDay`, oldest first. */
  async getRollup(
    by: ScorecardRollupBy,
    key: string,
    sinceDay: string,
  ): Promise<RollupHistoryPoint[]> {
    const rows = await this.db(ROLLUPS)
      .where({ by, key })
      .andWhere('day', '>=', sinceDay)
      .orderBy('day');
    return rows.map(toRollupPoint);
  }

  /**
   * The day's point of the whole fleet, from the stored scorecard after the run (every
   * entity's latest report, stale ones included, as the roll-ups count them): one
   * aggregate query, no report parsed. Later runs that day overwrite it; an empty
   * scorecard records nothing.
   */
  async recordFleet(day: string): Promise<void> {
    const byLevel: Array<{
      level: string;
      entities: number | string;
      scores: number | string;
      workloads: number | string;
      meshed: number | string;
    }> = await this.db(SCORECARD)
      .select('level')
      .count({ entities: '*' })
      .sum({ scores: 'score' })
      .sum({ workloads: 'workloads' })
      .sum({ meshed: 'meshed_workloads' })
      .groupBy('level');
    let entities = 0;
    let scores = 0;
    let workloads = 0;
    let meshed = 0;
    for (const r of byLevel) {
      entities += Number(r.entities);
      scores += Number(r.scores);
      workloads += Number(r.workloads);
      meshed += Number(r.meshed);
    }
    if (entities === 0) return;
    // Rounded as the roll-ups are (ScorecardStore.rollups), so the trends compare.
    const levels = Object.fromEntries(
      byLevel.map(r => [
        r.level,
        Math.round((1000 * Number(r.entities)) / entities) / 1000,
      ]),
    );
    await this.upsertRollups([
      {
        ...FLEET,
        day,
        entities,
        average_score: Math.round((10 * scores) / entities) / 10,
        levels: JSON.stringify(levels),
        workloads,
        meshed_workloads: meshed,
      },
    ]);
  }

  /** The fleet's daily points since `sinceDay`, oldest first. */
  async getFleet(sinceDay: string): Promise<RollupHistoryPoint[]> {
    const rows = await this.db(ROLLUPS)
      .where(FLEET)
      .andWhere('day', '>=', sinceDay)
      .orderBy('day');
    return rows.map(toRollupPoint);
  }
}
