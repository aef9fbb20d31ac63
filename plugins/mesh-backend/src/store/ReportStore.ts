import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';

const TABLE = 'mesh_reports';
const BATCH = 200;

interface ReportRow {
  entity_ref: string;
  report: string;
  generated_at: string;
  stale: boolean | number;
  score: number;
}

/** Reports per entity in the plugin's own database (SQLite or PostgreSQL). */
export class ReportStore {
  constructor(private readonly db: Knex) {}

  async getReport(entityRef: string): Promise<MeshReport | undefined> {
    const row = await this.db<ReportRow>(TABLE)
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .first();
    return row ? (JSON.parse(row.report) as MeshReport) : undefined;
  }

  async getReports(entityRefs: string[]): Promise<Map<string, MeshReport>> {
    const out = new Map<string, MeshReport>();
    const keys = entityRefs.map(r => r.toLocaleLowerCase('en-US'));
    for (let i = 0; i < keys.length; i += BATCH) {
      const rows = await this.db<ReportRow>(TABLE).whereIn(
        'entity_ref',
        keys.slice(i, i + BATCH),
      );
      for (const row of rows) out.set(row.entity_ref, JSON.parse(row.report));
    }
    return out;
  }

  async listReports(): Promise<MeshReport[]> {
    const rows = await this.db<ReportRow>(TABLE).orderBy('entity_ref');
    return rows.map(r => JSON.parse(r.report) as MeshReport);
  }

  /** Upserts reports in batches, in one transaction, so readers never see half a run. */
  async saveReports(reports: MeshReport[]): Promise<void> {
    if (reports.length === 0) return;
    await this.db.transaction(async tx => {
      for (let i = 0; i < reports.length; i += BATCH) {
        const rows = reports.slice(i, i + BATCH).map(r => ({
          entity_ref: r.entityRef.toLocaleLowerCase('en-US'),
          report: JSON.stringify(r),
          generated_at: r.generatedAt,
          stale: r.stale,
          score: r.readiness.score,
          updated_at: tx.fn.now(),
        }));
        await tx(TABLE)
          .insert(rows)
          .onConflict('entity_ref')
          .merge(['report', 'generated_at', 'stale', 'score', 'updated_at']);
      }
    });
  }
}
