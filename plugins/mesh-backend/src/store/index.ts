import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';
import { AttestationStore } from './AttestationStore';
import { ClusterRunStore } from './ClusterRunStore';
import { ClusterFleetStore } from './ClusterFleetStore';
import { HistoryStore } from './HistoryStore';
import { ReportStore, ReportsWritten } from './ReportStore';
import { ScorecardStore } from './ScorecardStore';
import { SnapshotStore } from './SnapshotStore';
import { WaiverStore } from './WaiverStore';

export { ReportStore } from './ReportStore';
export { SnapshotStore } from './SnapshotStore';
export { HistoryStore } from './HistoryStore';
export { AttestationStore } from './AttestationStore';
export { ScorecardStore } from './ScorecardStore';
export { WaiverStore } from './WaiverStore';
export { ClusterRunStore } from './ClusterRunStore';
export type { ClusterRunState } from './ClusterRunStore';
export { ClusterFleetStore } from './ClusterFleetStore';
export type { ClusterFleetInput } from './ClusterFleetStore';

const migrationsDir = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-backend',
  'migrations',
);

export interface MeshStores {
  reports: ReportStore;
  snapshots: SnapshotStore;
  history: HistoryStore;
  attestations: AttestationStore;
  /** Waivers made through the API (`POST /v1/waivers`). */
  waivers: WaiverStore;
  /** The fleet scorecard's rows (written by ReportStore.saveReports). */
  scorecard: ScorecardStore;
  /** Collections per cluster, for refreshes asked of a replica that does not collect. */
  runs: ClusterRunStore;
  /** The fleet figures of each cluster per collection run. */
  clusterFleet: ClusterFleetStore;
}

/** Opens the plugin's stores, migrating the database first unless told not to. */
export async function openStores(
  database: DatabaseService | Knex,
  options: {
    declaredAttestations?: Attestation[];
    /** Told what the report store commits (ReportStore's `written`). */
    reportsWritten?: ReportsWritten;
  } = {},
): Promise<MeshStores> {
  const isService = (d: DatabaseService | Knex): d is DatabaseService =>
    typeof (d as DatabaseService).getClient === 'function';
  const client = isService(database) ? await database.getClient() : database;
  const skip = isService(database) && database.migrations?.skip;
  if (!skip) await client.migrate.latest({ directory: migrationsDir });
  return {
    reports: new ReportStore(client, { written: options.reportsWritten }),
    snapshots: new SnapshotStore(client),
    history: new HistoryStore(client),
    attestations: new AttestationStore(client, options.declaredAttestations),
    waivers: new WaiverStore(client),
    scorecard: new ScorecardStore(client),
    runs: new ClusterRunStore(client),
    clusterFleet: new ClusterFleetStore(client),
  };
}
