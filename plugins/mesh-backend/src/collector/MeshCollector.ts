import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshConfig } from '../config';
import { resolveEntityMapping } from '../mapping/entityMapping';
import { MeshStores } from '../store';
import { dayOf } from '../store/HistoryStore';
import { CheckRegistry } from '../checks/registry';
import { ContextOptions } from '../context/entityContext';
import { buildEntityReport } from '../report/buildReport';
import { carryForward } from '../report/carryForward';
import { Timings } from './timings';
import {
  ClusterSources,
  ClusterSourcesFactory,
  createClusterSources,
} from './clusterSources';
import {
  keepLastGood,
  notYetCollected,
  snapshotCluster,
} from './snapshotCluster';
import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';

const ENTITY_FIELDS = [
  'kind',
  'metadata',
  'spec.owner',
  'spec.system',
  'spec.type',
];

export interface MeshCollectorOptions {
  config: MeshConfig;
  catalog: CatalogService;
  auth: AuthService;
  stores: MeshStores;
  logger: LoggerService;
  registry: CheckRegistry;
  context: ContextOptions;
  sourcesFactory?: ClusterSourcesFactory;
}

/** What one collection did, for logs, the refresh answer and the benchmark. */
export interface CollectionResult extends RefreshResponse {
  reports: number;
  durationMs: number;
  /** Where the time went, in milliseconds, for the logs and the benchmark. */
  timings: Record<string, number>;
}

function hasFailedSource(snapshot: ClusterSnapshot): boolean {
  return [snapshot.kubernetes, snapshot.prometheus, snapshot.tracing].some(
    o => o.configured && !o.ok,
  );
}

/**
 * One collection: sources → snapshots → entity mapping → checks → reports → store.
 * Each cluster is fetched by its own scheduled task; its snapshot is stored, and reports
 * are rebuilt from the latest snapshot of every cluster, so an entity spanning clusters
 * gets one report whichever replica ran the task. Runs are serialised within a process.
 */
export class MeshCollector {
  private readonly sources: Map<string, ClusterSources>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: MeshCollectorOptions) {
    const factory = options.sourcesFactory ?? createClusterSources;
    this.sources = new Map(
      options.config.clusters.map(c => [
        c.name,
        factory(c, options.config.window),
      ]),
    );
  }

  /** Collects the given clusters (all by default) now, then rebuilds the reports. */
  collect(
    request: { entityRef?: string; clusters?: string[] } = {},
  ): Promise<CollectionResult> {
    const run = this.queue.then(() => this.runOnce(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOnce(request: {
    entityRef?: string;
    clusters?: string[];
  }): Promise<CollectionResult> {
    const started = Date.now();
    const now = new Date();
    const { logger, stores, config } = this.options;

    const entity = request.entityRef
      ? await this.getEntity(request.entityRef)
      : undefined;
    let clusters = request.clusters ?? config.clusters.map(c => c.name);
    if (entity) {
      const mapping = resolveEntityMapping(entity);
      if (mapping.kind === 'mapped' && mapping.clusters) {
        clusters = clusters.filter(c => mapping.clusters!.includes(c));
      }
    }

    const timings = new Timings();
    const timed = timings.time.bind(timings);

    // The last run's snapshots are read only where they are needed: clusters this run
    // does not collect, and clusters where a source failed (to keep what it last gave).
    // A fleet's snapshot is large; not decoding it on every healthy run keeps memory flat.
    const collecting = new Set(clusters);
    const previous = await timed('loadSnapshots', () =>
      stores.snapshots.load(
        config.clusters.map(c => c.name).filter(n => !collecting.has(n)),
      ),
    );
    const fresh = await timed('fetchSources', () =>
      Promise.all(
        clusters.map(async name => {
          const snapshot = await snapshotCluster(
            name,
            this.sources.get(name)!,
            now,
          );
          if (!hasFailedSource(snapshot)) return snapshot;
          const before = await timed('loadSnapshots', () =>
            stores.snapshots.load([name]),
          );
          return keepLastGood(snapshot, before.get(name));
        }),
      ),
    );
    for (const snapshot of fresh) {
      for (const [phase, ms] of Object.entries(snapshot.timings ?? {})) {
        timings.ms[`${snapshot.cluster}.${phase}`] = ms;
      }
    }
    await timed('saveSnapshots', () =>
      Promise.all(fresh.map(snapshot => stores.snapshots.save(snapshot))),
    );
    const snapshots: ClusterSnapshot[] = config.clusters.map(
      c =>
        fresh.find(s => s.cluster === c.name) ??
        previous.get(c.name) ??
        notYetCollected(c.name, Boolean(c.prometheus), Boolean(c.tracing)),
    );

    const entities = entity
      ? [entity]
      : await timed('listEntities', () => this.listMappedEntities());
    const reports = await this.storeReports(entities, snapshots, now, timed);

    const result = fresh.map(s => {
      const failed = [s.kubernetes, s.prometheus, s.tracing].filter(
        (o): o is NonNullable<typeof o> => Boolean(o?.configured && !o.ok),
      );
      return failed.length === 0
        ? { name: s.cluster, ok: true }
        : {
            name: s.cluster,
            ok: false,
            error: failed.map(o => `${o.name}: ${o.error}`).join('; '),
          };
    });
    for (const c of result.filter(x => !x.ok)) {
      logger.warn(
        `Mesh collection for cluster '${c.name}' is degraded: ${c.error}`,
      );
    }
    const durationMs = Date.now() - started;
    logger.info(
      `Mesh collection of ${clusters.join(', ') || 'no clusters'} stored ${
        reports.length
      } report(s) in ${durationMs} ms`,
    );
    return {
      clusters: result,
      reports: reports.length,
      durationMs,
      timings: timings.ms,
    };
  }

  private async storeReports(
    entities: Entity[],
    snapshots: ClusterSnapshot[],
    now: Date,
    timed: Timings['time'],
  ): Promise<MeshReport[]> {
    const { stores, config } = this.options;
    const fresh = await timed('buildReports', async () =>
      entities.map(e =>
        buildEntityReport(
          this.options.registry,
          e,
          snapshots,
          this.options.context,
          now,
        ),
      ),
    );
    // Only a report with a failed source carries anything forward.
    const previous = await timed('loadReports', () =>
      stores.reports.getReports(
        fresh.filter(r => r.sources.some(x => !x.ok)).map(r => r.entityRef),
      ),
    );
    const reports = fresh.map(r =>
      carryForward(r, previous.get(r.entityRef.toLocaleLowerCase('en-US'))),
    );
    await timed('saveReports', () => stores.reports.saveReports(reports));
    await timed('saveHistory', async () => {
      await stores.history.record(reports);
      await stores.history.prune(
        dayOf(now.toISOString()),
        config.history.retentionDays,
      );
    });
    return reports;
  }

  private async getEntity(entityRef: string): Promise<Entity> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const entity = await this.options.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity)
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    return entity;
  }

  /** Entities carrying a mapping annotation; the others get their report on request. */
  private async listMappedEntities(): Promise<Entity[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [
          {
            [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]:
              CATALOG_FILTER_EXISTS,
          },
          {
            [`metadata.annotations.${ANNOTATION_KUBERNETES_LABEL_SELECTOR}`]:
              CATALOG_FILTER_EXISTS,
          },
        ],
        fields: ENTITY_FIELDS,
      },
      { credentials },
    );
    const seen = new Set<string>();
    return items.filter(e => {
      const ref = stringifyEntityRef(e);
      if (seen.has(ref)) return false;
      seen.add(ref);
      return true;
    });
  }
}
