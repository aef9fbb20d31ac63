import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CheckDefinition,
  hasMeshMapping,
  HistoryResponse,
  MESH_ERROR_CODES,
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { CheckRegistry } from '../checks/registry';
import { MeshCollector } from '../collector/MeshCollector';
import { ContextOptions } from '../context/entityContext';
import { resolveEntityMapping } from '../mapping/entityMapping';
import { markIfOld } from '../report/age';
import { buildEntityReport } from '../report/buildReport';
import { MeshStores } from '../store';

/**
 * The one door to the plugin's data, as in Backstage's backend-plugin template: the
 * router validates HTTP input and calls this; this knows the catalog, the store and
 * the collector. Catalog permissions apply through the caller's credentials.
 */
export class MeshReportService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      stores: MeshStores;
      collector: MeshCollector;
      registry: CheckRegistry;
      context: ContextOptions;
      /** A stored report older than this is served as stale. */
      staleAfterMs: number;
    },
  ) {}

  listChecks(): CheckDefinition[] {
    return this.options.registry.definitions();
  }

  private async entity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ) {
    const entity = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(ref)} in the catalog`,
      );
    }
    return entity;
  }

  async getReport(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<MeshReport> {
    const entity = await this.entity(ref, credentials);
    // Without a valid mapping there is nothing to collect; answer from the annotations
    // as they are now, so fixing them shows at once.
    if (
      !hasMeshMapping(entity) ||
      resolveEntityMapping(entity).kind === 'invalid'
    ) {
      return buildEntityReport(
        this.options.registry,
        entity,
        [],
        this.options.context,
        now,
      );
    }
    const entityRef = stringifyEntityRef(entity);
    const report = await this.options.stores.reports.getReport(entityRef);
    if (!report) {
      throw Object.assign(
        new NotFoundError(
          `No mesh report for ${entityRef} yet: it appears after the next collection, or POST /v1/refresh to collect now`,
        ),
        { code: MESH_ERROR_CODES.noReportYet },
      );
    }
    return markIfOld(report, now, this.options.staleAfterMs);
  }

  async getHistory(
    ref: CompoundEntityRef,
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<HistoryResponse> {
    const entity = await this.entity(ref, credentials);
    const since = new Date(now);
    since.setUTCDate(since.getUTCDate() - (days - 1));
    const entityRef = stringifyEntityRef(entity);
    return {
      entityRef,
      days,
      points: await this.options.stores.history.get(
        entityRef,
        since.toISOString().slice(0, 10),
      ),
    };
  }

  async refresh(request: { entityRef?: string }): Promise<RefreshResponse> {
    let entityRef: string | undefined;
    if (request.entityRef) {
      try {
        entityRef = stringifyEntityRef(
          parseEntityRef(request.entityRef, { defaultKind: 'component' }),
        );
      } catch (e) {
        throw new InputError(
          `Invalid entityRef '${request.entityRef}': ${(e as Error).message}`,
        );
      }
    }
    const { clusters } = await this.options.collector.collect({ entityRef });
    return { clusters };
  }
}
