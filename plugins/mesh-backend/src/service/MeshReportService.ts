import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
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
import { ReportReadPermission } from './reportReads';
import { CatalogEntities } from './catalogEntities';

/**
 * The one door to the plugin's data, as in Backstage's backend-plugin template: the
 * router validates HTTP input and calls this; this knows the catalog, the store and
 * the collector. Catalog permissions apply through the caller's credentials, then
 * `mesh.report.read` on the entity.
 */
export class MeshReportService {
  constructor(
    private readonly options: {
      /** The catalog as callers see it (one instance shared by the services). */
      entities: CatalogEntities;
      stores: MeshStores;
      collector: MeshCollector;
      registry: CheckRegistry;
      context: ContextOptions;
      /** `mesh.report.read`, checked on every entity read. */
      reads: ReportReadPermission;
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
    const entityRef = stringifyEntityRef(ref);
    // The catalog answers with the caller's credentials (the catalog service asks for a
    // token on their behalf), so its permission rules apply; the answer is cached per
    // caller for a few seconds.
    const entity = await this.options.entities.lookUp(entityRef, credentials);
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    }
    await this.options.reads.require(entity, credentials);
    return entity;
  }

  /** The entity's report; see getReportJson. */
  async getReport(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<MeshReport> {
    return JSON.parse(await this.getReportJson(ref, credentials, now));
  }

  /** The entity's report as a JSON string; see getReportBody. */
  async getReportJson(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<string> {
    const body = await this.getReportBody(ref, credentials, now);
    return typeof body === 'string' ? body : body.toString('utf8');
  }

  /**
   * The entity's report, serialised: a MeshReport as JSON (a string, or UTF-8 bytes when
   * held as such), ready to send. A stored report is sent as it was stored, with no
   * parse and stringify per read, unless it is older than staleAfter: only then is it
   * parsed and marked stale.
   */
  async getReportBody(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<string | Buffer> {
    const entity = await this.entity(ref, credentials);
    // Without a valid mapping there is nothing to collect; answer from the annotations
    // as they are now, so fixing them shows at once.
    if (
      !hasMeshMapping(entity) ||
      resolveEntityMapping(entity).kind === 'invalid'
    ) {
      return JSON.stringify(
        buildEntityReport(
          this.options.registry,
          entity,
          [],
          this.options.context,
          now,
        ),
      );
    }
    const entityRef = stringifyEntityRef(entity);
    const stored = await this.options.stores.reports.getReportJson(entityRef);
    if (!stored) {
      throw Object.assign(
        new NotFoundError(
          `No mesh report for ${entityRef} yet: it appears after the next collection, or POST /v1/refresh to collect now`,
        ),
        { code: MESH_ERROR_CODES.noReportYet },
      );
    }
    // The same test as markIfOld's, on the column stored beside the JSON.
    const age = now.getTime() - Date.parse(stored.generatedAt);
    if (!(age > this.options.staleAfterMs)) return stored.bytes ?? stored.json;
    return JSON.stringify(
      markIfOld(JSON.parse(stored.json), now, this.options.staleAfterMs),
    );
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
    const { collector } = this.options;
    const { clusters } = await collector.collect({ entityRef });
    // Another replica ran the collection: what this one read before is old. A run of
    // this process (in its thread or its worker) replaced what is held as it wrote.
    if (!collector.runsHere) this.options.stores.reports.recent.forget();
    return { clusters };
  }
}
