import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';
import { TimeSlices } from '../lib/timeSlices';
import { RecentReports, StoredReportJson } from './recentReports';
import { saveScorecardRows, ScorecardEntityInfo } from './ScorecardStore';

export type { StoredReportJson } from './recentReports';

const TABLE = 'mesh_reports';
const BATCH = 200;
/**
 * JSON per insert statement: the driver encodes a statement's parameters in one
 * synchronous block, so 200 reports of 25 kB (5 MB) stalled reads for tens of ms.
 */
const INSERT_CHARS = 512 * 1024;

interface ReportRow {
  entity_ref: string;
  report: string;
  generated_at: string;
  stale: boolean | number;
  score: number;
}

/** Reports per entity in the plugin's own database (SQLite or PostgreSQL). */
export class ReportStore {
  /** Report reads of the last few seconds (RecentReports: what that costs in freshness). */
  readonly recent: RecentReports;

  constructor(
    private readonly db: Knex,
    options: { recent?: ConstructorParameters<typeof RecentReports>[0] } = {},
  ) {
    this.recent = new RecentReports(options.recent);
  }

  async getReport(entityRef: string): Promise<MeshReport | undefined> {
    const row = await this.db<ReportRow>(TABLE)
      .where({ entity_ref: entityRef.toLocaleLowerCase('en-US') })
      .first();
    return row ? (JSON.parse(row.report) as MeshReport) : undefined;
  }

  /**
   * The stored report as it was serialised, and when it was made: the API sends the
   * JSON as it is, and parses it only when it must change (see MeshReportService).
   */
  async getReportJson(
    entityRef: string,
  ): Promise<StoredReportJson | undefined> {
    // Per read: entity refs are ASCII (the catalog's name rules), for which toLowerCase
    // is what toLocaleLowerCase('en-US') gives, without the locale machinery's cost.
    const key = entityRef.toLowerCase();
    return this.recent.get(
      key,
      async () => {
        const row = await this.db<ReportRow>(TABLE)
          .select('report', 'generated_at')
          .where({ entity_ref: key })
          .first();
        return row
          ? { json: row.report, generatedAt: row.generated_at }
          : undefined;
      },
      // Every write of a report makes a new one, with its own generatedAt (to the
      // millisecond): the same generatedAt in the row is the report held.
      async held => {
        const row = await this.db<ReportRow>(TABLE)
          .select('generated_at')
          .where({ entity_ref: key })
          .first();
        return row?.generated_at === held.generatedAt;
      },
    );
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
  async saveReports(
    reports: MeshReport[],
    /** The catalog's fields per lower-cased ref, for the scorecard's rows. */
    entities?: Map<string, ScorecardEntityInfo>,
  ): Promise<void> {
    if (reports.length === 0) return;
    // Serialised before the transaction, in time slices: a fleet's reports are tens
    // of megabytes of JSON, and one synchronous block of that stalls every read.
    const slices = new TimeSlices();
    const json: string[] = [];
    for (const r of reports) {
      await slices.pause();
      json.push(JSON.stringify(r));
    }
    await this.db.transaction(async tx => {
      for (let i = 0; i < reports.length; ) {
        const rows = [];
        let chars = 0;
        for (
          ;
          i < reports.length &&
          (rows.length === 0 || (chars < INSERT_CHARS && rows.length < BATCH));
          i++
        ) {
          const r = reports[i];
          chars += json[i].length;
          rows.push({
            entity_ref: r.entityRef.toLocaleLowerCase('en-US'),
            report: json[i],
            generated_at: r.generatedAt,
            stale: r.stale,
            score: r.readiness.score,
            updated_at: tx.fn.now(),
          });
        }
        await tx(TABLE)
          .insert(rows)
          .onConflict('entity_ref')
          .merge(['report', 'generated_at', 'stale', 'score', 'updated_at']);
      }
      // The scorecard's narrow rows, in the same transaction as the reports.
      await saveScorecardRows(tx, reports, entities);
    });
    this.recent.written(
      reports.map((r, i) => [
        r.entityRef.toLocaleLowerCase('en-US'),
        { json: json[i], generatedAt: r.generatedAt },
      ]),
    );
  }
}
