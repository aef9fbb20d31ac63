import { Knex } from 'knex';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';
import { decodeSnapshot, encodeSnapshot } from '../snapshot/codec';

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const TABLE = 'mesh_snapshots';

/**
 * The latest snapshot of each cluster. Each cluster is collected by its own task, on
 * whichever replica the scheduler picks; reports that span clusters are built from what
 * is stored here, so every replica builds the same report.
 */
export class SnapshotStore {
  constructor(private readonly db: Knex) {}

  async save(snapshot: ClusterSnapshot): Promise<void> {
    const data = await gzip(Buffer.from(encodeSnapshot(snapshot)));
    await this.db(TABLE)
      .insert({
        cluster: snapshot.cluster,
        snapshot: data,
        fetched_at: snapshot.kubernetes.fetchedAt,
        updated_at: this.db.fn.now(),
      })
      .onConflict('cluster')
      .merge(['snapshot', 'fetched_at', 'updated_at']);
  }

  async load(clusters: string[]): Promise<Map<string, ClusterSnapshot>> {
    const out = new Map<string, ClusterSnapshot>();
    if (clusters.length === 0) return out;
    const rows = await this.db(TABLE).whereIn('cluster', clusters);
    for (const row of rows) {
      const json = await gunzip(row.snapshot as Buffer);
      const snapshot = decodeSnapshot(json.toString('utf8'));
      // A snapshot from another version is skipped: the next run replaces it.
      if (snapshot) out.set(row.cluster, snapshot);
    }
    return out;
  }
}
