import {
  BackstageCredentials,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotFoundError,
  stringifyError,
} from '@backstage/errors';
import {
  CreateWaiverRequest,
  Waiver,
  WaiversResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { randomUUID } from 'node:crypto';
import { endOfDay } from '../report/waivers';
import { WaiverStore } from '../store/WaiverStore';
import { ReportRebuilder } from './AttestationService';
import { CatalogEntities, requireUser } from './catalogEntities';
import { ReportReadPermission } from './reportReads';

const key = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Waivers made through the API: someone decides that a check does not count for an
 * entity, says why, and maybe until when. The route has checked `mesh.waiver.manage`
 * (MeshAccess); here the caller must be a user and see the entity in the catalog (its
 * permission rules apply through the caller's credentials). A change rebuilds the
 * entity's report from the stored snapshots, so it shows at once.
 */
export class WaiverService {
  constructor(
    private readonly options: {
      /** The catalog as callers see it (one instance shared by the services). */
      entities: CatalogEntities;
      store: WaiverStore;
      userInfo: UserInfoService;
      collector: ReportRebuilder;
      logger: LoggerService;
      /** The ids of the registered checks, adopters' included. */
      checkIds: () => string[];
      /** `mesh.report.read`: listing an entity's waivers is reading its mesh data. */
      reads: ReportReadPermission;
      clock?: () => Date;
    },
  ) {}

  async create(
    request: CreateWaiverRequest,
    credentials: BackstageCredentials,
  ): Promise<Waiver> {
    this.requireUser(credentials);
    const checkIds = this.options.checkIds();
    if (!checkIds.includes(request.checkId)) {
      throw new InputError(
        `Invalid waiver: checkId '${request.checkId}' is not the id of a check (GET /v1/checks lists them)`,
      );
    }
    const now = (this.options.clock ?? (() => new Date()))();
    if (request.until !== undefined) {
      const end = endOfDay(request.until);
      if (!end) {
        throw new InputError(
          `Invalid waiver: until: '${request.until}' is no day of the calendar`,
        );
      }
      if (end <= now) {
        throw new InputError(
          `Invalid waiver: until: ${
            request.until
          } is in the past (today is ${now
            .toISOString()
            .slice(0, 10)} UTC); it is the last day the waiver applies`,
        );
      }
    }
    const entity = await this.options.entities.require(
      request.entityRef,
      credentials,
    );
    const entityRef = stringifyEntityRef(entity);
    // One waiver in force per check: a second would only hide which reason counts.
    const inForce = (await this.options.store.listFor(entityRef)).find(
      w =>
        w.checkId === request.checkId &&
        (!w.until || (endOfDay(w.until) ?? now) > now),
    );
    if (inForce) {
      throw new ConflictError(
        `${request.checkId} is already waived for ${entityRef} by ${inForce.createdBy} (waiver ${inForce.id}); withdraw that one first`,
      );
    }
    const { userEntityRef } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    const waiver: Waiver = {
      id: randomUUID(),
      entityRef,
      checkId: request.checkId,
      reason: request.reason,
      ...(request.until ? { until: request.until } : {}),
      createdBy: userEntityRef,
      createdAt: now.toISOString(),
    };
    await this.options.store.add(waiver);
    await this.rebuild(entityRef);
    return waiver;
  }

  /** The entity's waivers made through the API, lapsed ones included, newest first. */
  async list(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<WaiversResponse> {
    const entity = await this.options.entities.require(entityRef, credentials);
    await this.options.reads.require(entity, credentials);
    const ref = stringifyEntityRef(entity);
    return { entityRef: ref, waivers: await this.options.store.listFor(ref) };
  }

  /** Withdraws a waiver: the check counts again at once. */
  async delete(id: string, credentials: BackstageCredentials): Promise<void> {
    this.requireUser(credentials);
    const waiver = await this.options.store.get(id);
    // A waiver on an entity the caller cannot see is as absent as no waiver.
    const entity =
      waiver &&
      (await this.options.entities
        .lookUp(waiver.entityRef, credentials)
        .catch(() => undefined));
    if (!waiver || !entity) throw new NotFoundError(`No waiver ${id}`);
    await this.options.store.delete(id);
    await this.rebuild(stringifyEntityRef(entity));
  }

  private requireUser(credentials: BackstageCredentials) {
    requireUser(
      credentials,
      'Only users may make or withdraw waivers: a waiver is a person’s decision, with their name on it',
    );
  }

  /**
   * The entity's report is rebuilt from the stored snapshots now. When that fails the
   * waiver is still stored, and the next run shows it.
   */
  private async rebuild(entityRef: string) {
    const target = key(entityRef);
    try {
      await this.options.collector.rebuildReports(
        e => key(stringifyEntityRef(e)) === target,
      );
    } catch (e) {
      this.options.logger.warn(
        `Could not rebuild the report of ${entityRef} after a waiver changed; the next collection will: ${stringifyError(
          e,
        )}`,
      );
    }
  }
}
