import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';

const TABLE = 'mesh_attestations';
const BATCH = 200;

interface AttestationRow {
  id: string;
  entity_ref: string;
  entity_key: string;
  check_id: string;
  note: string;
  link: string | null;
  created_by: string;
  created_at: string;
  expires_at: string;
}

const key = (ref: string) => ref.toLocaleLowerCase('en-US');

function fromRow(row: AttestationRow): Attestation {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    checkId: row.check_id,
    note: row.note,
    ...(row.link ? { link: row.link } : {}),
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Attestations in the plugin's database (SQLite or PostgreSQL). Times are ISO strings
 * in UTC, so they compare as text the same way on both.
 */
export class AttestationStore {
  /**
   * `declared`: attestations written in app-config (`mesh.attestations`), kept in
   * version control beside the runbooks they point to. They are listed with the stored
   * ones and cannot be withdrawn through the API.
   */
  constructor(
    private readonly db: Knex,
    private readonly declared: Attestation[] = [],
  ) {}

  /** True for an attestation that comes from config, not from the API. */
  isDeclared(id: string): boolean {
    return this.declared.some(a => a.id === id);
  }

  async add(a: Attestation): Promise<void> {
    await this.db<AttestationRow>(TABLE).insert({
      id: a.id,
      entity_ref: a.entityRef,
      entity_key: key(a.entityRef),
      check_id: a.checkId,
      note: a.note,
      link: a.link ?? null,
      created_by: a.createdBy,
      created_at: a.createdAt,
      expires_at: a.expiresAt,
    });
  }

  async get(id: string): Promise<Attestation | undefined> {
    const declared = this.declared.find(a => a.id === id);
    if (declared) return declared;
    const row = await this.db<AttestationRow>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Deletes one; false when there was none with that id. */
  async delete(id: string): Promise<boolean> {
    return (await this.db<AttestationRow>(TABLE).where({ id }).delete()) > 0;
  }

  /** The attestations made for any of these refs (case-insensitive), newest first. */
  async listFor(entityRefs: string[]): Promise<Attestation[]> {
    const keys = [...new Set(entityRefs.map(key))];
    const out: Attestation[] = [];
    for (let i = 0; i < keys.length; i += BATCH) {
      const rows = await this.db<AttestationRow>(TABLE).whereIn(
        'entity_key',
        keys.slice(i, i + BATCH),
      );
      out.push(...rows.map(fromRow));
    }
    const wanted = new Set(keys);
    out.push(...this.declared.filter(a => wanted.has(key(a.entityRef))));
    return out.sort(
      (a, b) =>
        b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
    );
  }

  /**
   * Every attestation still valid at `asOf`, and those that lapsed after `lapsedSince`
   * (so a check can say "expired on"): one query per collection run.
   */
  async listSince(lapsedSince: string): Promise<Attestation[]> {
    const rows = await this.db<AttestationRow>(TABLE)
      .where('expires_at', '>=', lapsedSince)
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ]);
    return [
      ...rows.map(fromRow),
      ...this.declared.filter(a => a.expiresAt >= lapsedSince),
    ];
  }
}
