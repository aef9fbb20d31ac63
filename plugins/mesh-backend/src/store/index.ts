import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { HistoryStore } from './HistoryStore';
import { ReportStore } from './ReportStore';
import { SnapshotStore } from './SnapshotStore';

export { ReportStore } from './ReportStore';
export { SnapshotStore } from './SnapshotStore';
export { HistoryStore } from './HistoryStore';

const migrationsDir = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-backend',
  'migrations',
);

export interface MeshStores {
  reports: ReportStore;
  snapshots: SnapshotStore;
  history: HistoryStore;
}

/** Opens the plugin's stores, migrating the database first unless told not to. */
export async function openStores(
  database: DatabaseService | Knex,
): Promise<MeshStores> {
  const isService = (d: DatabaseService | Knex): d is DatabaseService =>
    typeof (d as DatabaseService).getClient === 'function';
  const client = isService(database) ? await database.getClient() : database;
  const skip = isService(database) && database.migrations?.skip;
  if (!skip) await client.migrate.latest({ directory: migrationsDir });
  return {
    reports: new ReportStore(client),
    snapshots: new SnapshotStore(client),
    history: new HistoryStore(client),
  };
}
