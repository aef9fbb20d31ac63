import { Knex } from 'knex';
import { promisify } from 'node:util';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';
import { decodeSnapshot, encodeSnapshotSteps } from '../snapshot/codec';
import { runInSlices } from '../lib/timeSlices';

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
    // Encoded in time slices and compressed piece by piece: one string of a fleet's
    // snapshot, and one Buffer of it, each held the event loop for milliseconds more.
    const data = await gzipParts(
      await runInSlices(encodeSnapshotSteps(snapshot)),
    );
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

/** Text this long goes to the compressor at once. */
const GZIP_WRITE_CHARS = 256 * 1024;

/** Gzips the pieces' concatenation, handing the compressor a bounded batch at a time. */
export async function gzipParts(parts: string[]): Promise<Buffer> {
  const gz = zlib.createGzip();
  const chunks: Buffer[] = [];
  gz.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(gz, 'end');
  // Awaited below; if the compressor fails while a write waits, that wait throws first.
  ended.catch(() => undefined);
  let batch: string[] = [];
  let chars = 0;
  for (const part of parts) {
    batch.push(part);
    chars += part.length;
    if (chars >= GZIP_WRITE_CHARS) {
      // Rejects with the compressor's error, if it fails, as `ended` does.
      if (!gz.write(batch.join(''))) await once(gz, 'drain');
      batch = [];
      chars = 0;
    }
  }
  gz.end(batch.join(''));
  await ended;
  return Buffer.concat(chunks);
}
