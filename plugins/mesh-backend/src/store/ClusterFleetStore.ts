import {
  ambientSavings,
  ClusterFleetFigures,
} from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';

const TABLE = 'mesh_cluster_fleet';

/** What a run measured of one cluster; the day and the ambient estimate are derived. */
export type ClusterFleetInput = Omit<ClusterFleetFigures, 'day' | 'ambient'>;

interface Row {
  cluster: string;
  day: string;
  run_at: string;
  entities: number | string;
  sidecars: number | string;
  measured_sidecars: number | string;
  requested_cpu_cores: number | string;
  requested_memory_bytes: number | string;
  used_cpu_cores: number | string;
  used_memory_bytes: number | string;
  app_series: number | string;
  app_series_bytes: number | string;
  median_propagation_ratio: number | string | null;
  propagation_measured: number | string;
  nodes: number | string | null;
}

const orNull = (v: number | string | null | undefined) =>
  v === null || v === undefined ? null : Number(v);

function toFigures(r: Row): ClusterFleetFigures {
  const requested = {
    cpuCores: Number(r.requested_cpu_cores),
    memoryBytes: Number(r.requested_memory_bytes),
  };
  const nodes = orNull(r.nodes);
  return {
    cluster: r.cluster,
    runAt: r.run_at,
    day: r.day,
    entities: Number(r.entities),
    sidecars: {
      count: Number(r.sidecars),
      measured: Number(r.measured_sidecars),
      requested,
      used: {
        cpuCores: Number(r.used_cpu_cores),
        memoryBytes: Number(r.used_memory_bytes),
      },
    },
    doubleInstrumentation: {
      appSeries: Number(r.app_series),
      estimatedBytes: Number(r.app_series_bytes),
    },
    medianPropagationRatio: orNull(r.median_propagation_ratio),
    propagationMeasured: Number(r.propagation_measured),
    nodes,
    ambient: ambientSavings(requested, nodes),
  };
}

/**
 * The fleet figures of each cluster per collection run: one row per cluster and day,
 * which the day's later runs overwrite (as the daily history points are).
 */
export class ClusterFleetStore {
  constructor(private readonly db: Knex) {}

  async record(figures: ClusterFleetInput[]): Promise<void> {
    if (figures.length === 0) return;
    await this.db(TABLE)
      .insert(
        figures.map(f => ({
          cluster: f.cluster,
          day: f.runAt.slice(0, 10),
          run_at: f.runAt,
          entities: f.entities,
          sidecars: f.sidecars.count,
          measured_sidecars: f.sidecars.measured,
          requested_cpu_cores: f.sidecars.requested.cpuCores,
          requested_memory_bytes: f.sidecars.requested.memoryBytes,
          used_cpu_cores: f.sidecars.used.cpuCores,
          used_memory_bytes: f.sidecars.used.memoryBytes,
          app_series: f.doubleInstrumentation.appSeries,
          app_series_bytes: f.doubleInstrumentation.estimatedBytes,
          median_propagation_ratio: f.medianPropagationRatio,
          propagation_measured: f.propagationMeasured,
          nodes: f.nodes,
          updated_at: this.db.fn.now(),
        })),
      )
      .onConflict(['cluster', 'day'])
      .merge();
  }

  /** Each cluster's latest figures (its latest day's row), keyed by cluster. */
  async latest(clusters?: string[]): Promise<Map<string, ClusterFleetFigures>> {
    const days = this.db(TABLE)
      .select('cluster')
      .max({ day: 'day' })
      .groupBy('cluster')
      .as('latest');
    const query = this.db(`${TABLE} as f`)
      .join(days, join =>
        join
          .on('f.cluster', '=', 'latest.cluster')
          .andOn('f.day', '=', 'latest.day'),
      )
      .select('f.*');
    if (clusters) query.whereIn('f.cluster', clusters);
    const rows: Row[] = await query;
    return new Map(rows.map(r => [r.cluster, toFigures(r)]));
  }

  /** One cluster's daily figures since `sinceDay`, oldest first. */
  async history(
    cluster: string,
    sinceDay: string,
  ): Promise<ClusterFleetFigures[]> {
    const rows: Row[] = await this.db(TABLE)
      .where({ cluster })
      .andWhere('day', '>=', sinceDay)
      .orderBy('day');
    return rows.map(toFigures);
  }

  /** Deletes the rows older than `retentionDays` before `today`. */
  async prune(today: string, retentionDays: number): Promise<number> {
    const cutoff = new Date(`${today}T00:00:00Z`);
    cutoff.setUTCDate(cutoff.getUTCDate() - retentionDays);
    return this.db(TABLE)
      .where('day', '<', cutoff.toISOString().slice(0, 10))
      .delete();
  }
}
