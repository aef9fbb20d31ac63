import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshConfig } from '../config';
import { ClusterSnapshot } from '../snapshot/types';
import { ReportStore } from '../store/ReportStore';
import { buildEntityReport } from './buildReport';
import { carryForward } from './carryForward';
import {
  ClusterSources,
  ClusterSourcesFactory,
  createClusterSources,
} from './clusterSources';
import { snapshotCluster } from './snapshotCluster';

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
  store: ReportStore;
  logger: LoggerService;
  sourcesFactory?: ClusterSourcesFactory;
}

/**
 * One collection: sources → snapshots → entity mapping → checks → reports → store.
 * Runs are serialised within a process, so a manual refresh never interleaves with a
 * scheduled run's writes.
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

  /** Runs a collection now and resolves once its reports are stored. */
  collect(request: { entityRef?: string } = {}): Promise<RefreshResponse> {
    const run = this.queue.then(() => this.runOnce(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runOnce(request: {
    entityRef?: string;
  }): Promise<RefreshResponse> {
    const started = Date.now();
    const now = new Date();
    const { logger, store, config } = this.options;

    const entities = request.entityRef
      ? [await this.getEntity(request.entityRef)]
      : await this.listMappedEntities();

    const snapshots: ClusterSnapshot[] = await Promise.all(
      config.clusters.map(c =>
        snapshotCluster(c.name, this.sources.get(c.name)!, now),
      ),
    );

    const fresh = entities.map(e =>
      buildEntityReport(e, snapshots, config.window, now),
    );
    const previous = await store.getReports(fresh.map(r => r.entityRef));
    const reports = fresh.map(r =>
      carryForward(r, previous.get(r.entityRef.toLocaleLowerCase('en-US'))),
    );
    await store.saveReports(reports);

    const clusters = snapshots.map(s => {
      const failed = [s.kubernetes, s.prometheus].filter(
        o => o.configured && !o.ok,
      );
      return failed.length === 0
        ? { name: s.cluster, ok: true }
        : {
            name: s.cluster,
            ok: false,
            error: failed.map(o => `${o.name}: ${o.error}`).join('; '),
          };
    });
    for (const c of clusters.filter(x => !x.ok)) {
      logger.warn(
        `Mesh collection for cluster '${c.name}' is degraded: ${c.error}`,
      );
    }
    logger.info(
      `Mesh collection stored ${reports.length} report(s) from ${
        snapshots.length
      } cluster(s) in ${Date.now() - started} ms`,
    );
    return { clusters };
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
