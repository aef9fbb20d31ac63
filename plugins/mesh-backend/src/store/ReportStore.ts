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
/** How long the checks behind held reports gather before they go out as one query. */
const CHECK_WINDOW_MS = 100;

interface ReportRow {
  entity_ref: string;
  report: string;
  generated_at: string;
  stale: boolean | number;
  score: number;
}

/**
 * Told the reports a store just committed, keyed by lower-cased ref: a collection in a
 * worker hands them to the RecentReports of the thread that serves reads.
 */
export type ReportsWritten = (
  reports: Array<[key: string, value: StoredReportJson]>,
) => void;

/** Reports per entity in the plugin's own database (SQLite or PostgreSQL). */
export class ReportStore {
  /** Report reads of the last few seconds (RecentReports: what that costs in freshness). */
  readonly recent: RecentReports;
  private checks = new Map<
    string,
    Array<{
      resolve: (generatedAt: string | undefined) => void;
      reject: (e: unknown) => void;
    }>
  >();
  private checkTimer?: NodeJS.Timeout;
  private readonly written?: ReportsWritten;

  constructor(
    private readonly db: Knex,
    options: {
      recent?: ConstructorParameters<typeof RecentReports>[0];
      written?: ReportsWritten;
    } = {},
  ) {
    this.recent = new RecentReports(options.recent);
    this.written = options.written;
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
      async held => (await this.generatedAt(key)) === held.generatedAt,
    );
  }

  /**
   * The row's generated_at, for the checks behind held reports (RecentReports). Nobody
   * waits for them, so those asked within CHECK_WINDOW_MS share one query: a replica
   * serving 200 reads/s over a fleet asks a few times a second instead of 200.
   */
  private generatedAt(key: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.checks.get(key) ?? [];
      waiting.push({ resolve, reject });
      this.checks.set(key, waiting);
      if (!this.checkTimer) {
        this.checkTimer = setTimeout(() => this.runChecks(), CHECK_WINDOW_MS);
        // A check nobody waits for must not hold the process open at shutdown.
        this.checkTimer.unref?.();
      }
    });
  }

  private async runChecks(): Promise<void> {
    const checks = this.checks;
    this.checks = new Map();
    this.checkTimer = undefined;
    const keys = [...checks.keys()];
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = keys.slice(i, i + BATCH);
      try {
        const rows = await this.db<ReportRow>(TABLE)
          .select('entity_ref', 'generated_at')
          .whereIn('entity_ref', batch);
        const found = new Map(rows.map(r => [r.entity_ref, r.generated_at]));
        for (const key of batch)
          for (const w of checks.get(key)!) w.resolve(found.get(key));
      } catch (e) {
        for (const key of batch) for (const w of checks.get(key)!) w.reject(e);
      }
    }
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
    const written = reports.map((r, i): [string, StoredReportJson] => [
      r.entityRef.toLocaleLowerCase('en-US'),
      { json: json[i], generatedAt: r.generatedAt },
    ]);
    this.recent.written(written);
    this.written?.(written);
  }
}
