import { Waiver } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';

const TABLE = 'mesh_waivers';

interface WaiverRow {
  id: string;
  entity_ref: string;
  entity_key: string;
  check_id: string;
  reason: string;
  until: string | null;
  created_by: string;
  created_at: string;
}

const key = (ref: string) => ref.toLocaleLowerCase('en-US');

function fromRow(row: WaiverRow): Waiver {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    checkId: row.check_id,
    reason: row.reason,
    ...(row.until ? { until: row.until } : {}),
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

const NEWEST_FIRST = [
  { column: 'created_at', order: 'desc' as const },
  { column: 'id', order: 'asc' as const },
];

/**
 * Waivers made through the API, in the plugin's database (SQLite or PostgreSQL). Days
 * are `YYYY-MM-DD` and times ISO strings in UTC, so both compare as text the same way on
 * both databases.
 */
export class WaiverStore {
  constructor(private readonly db: Knex) {}

  async add(w: Waiver): Promise<void> {
    await this.db<WaiverRow>(TABLE).insert({
      id: w.id,
      entity_ref: w.entityRef,
      entity_key: key(w.entityRef),
      check_id: w.checkId,
      reason: w.reason,
      until: w.until ?? null,
      created_by: w.createdBy,
      created_at: w.createdAt,
    });
  }

  async get(id: string): Promise<Waiver | undefined> {
    const row = await this.db<WaiverRow>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Deletes one; false when there was none with that id. */
  async delete(id: string): Promise<boolean> {
    return (await this.db<WaiverRow>(TABLE).where({ id }).delete()) > 0;
  }

  /** The entity's waivers (case-insensitive ref), lapsed ones included, newest first. */
  async listFor(entityRef: string): Promise<Waiver[]> {
    const rows = await this.db<WaiverRow>(TABLE)
      .where({ entity_key: key(entityRef) })
      .orderBy(NEWEST_FIRST);
    return rows.map(fromRow);
  }

  /**
   * Every waiver without an end, or whose last day is `sinceDay` or later: those in
   * force, and those that lapsed lately (so a report can say so). One query per run.
   */
  async listSince(sinceDay: string): Promise<Waiver[]> {
    const rows = await this.db<WaiverRow>(TABLE)
      .whereNull('until')
      .orWhere('until', '>=', sinceDay)
      .orderBy(NEWEST_FIRST);
    return rows.map(fromRow);
  }
}
