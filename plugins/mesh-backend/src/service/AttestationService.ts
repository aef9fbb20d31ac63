import {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  stringifyError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ATTESTABLE_CHECK_IDS,
  Attestation,
  AttestationsResponse,
  CreateAttestationRequest,
  meshAttestationCreatePermission,
} from '@mesh-readiness/plugin-mesh-common';
import { randomUUID } from 'node:crypto';
import { attestationTargets } from '../context/attestations';
import { AttestationStore } from '../store/AttestationStore';
import { ReportReadPermission } from './reportReads';
import { CatalogEntities, requireUser } from './catalogEntities';

const DAY_MS = 86_400_000;

/** What the service needs of the collector: rebuilding reports from stored snapshots. */
export interface ReportRebuilder {
  rebuildReports(affects: (entity: Entity) => boolean): Promise<number>;
}

/**
 * Attestations: a person vouches for a checklist line (a runbook, on-call training, a
 * cert rotation drill) for an entity, or for a group or system and so for its entities.
 * The caller must see the entity in the catalog (its permission rules apply through
 * the caller's credentials) and hold `mesh.attestation.create` on it.
 */
export class AttestationService {
  constructor(
    private readonly options: {
      /** The catalog as callers see it (one instance shared by the services). */
      entities: CatalogEntities;
      store: AttestationStore;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      collector: ReportRebuilder;
      logger: LoggerService;
      /** `mesh.report.read`: listing an entity's attestations is reading its mesh data. */
      reads: ReportReadPermission;
      clock?: () => Date;
    },
  ) {}

  async create(
    request: CreateAttestationRequest,
    credentials: BackstageCredentials,
  ): Promise<Attestation> {
    this.requireUser(credentials);
    if (!ATTESTABLE_CHECK_IDS.includes(request.checkId)) {
      throw new InputError(
        `Invalid attestation: checkId '${
          request.checkId
        }' cannot be attested; allowed: ${ATTESTABLE_CHECK_IDS.join(', ')}`,
      );
    }
    const entity = await this.options.entities.require(
      request.entityRef,
      credentials,
    );
    const entityRef = stringifyEntityRef(entity);
    await this.authorize(entityRef, credentials, 'attest');
    const { userEntityRef } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    const now = (this.options.clock ?? (() => new Date()))();
    const attestation: Attestation = {
      id: randomUUID(),
      entityRef,
      checkId: request.checkId,
      note: request.note,
      ...(request.link ? { link: request.link } : {}),
      createdBy: userEntityRef,
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + request.expiresInDays * DAY_MS,
      ).toISOString(),
    };
    await this.options.store.add(attestation);
    await this.rebuild(entityRef);
    return attestation;
  }

  /** The attestations that apply to the entity: its own, its owner's, its system's. */
  async list(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<AttestationsResponse> {
    const entity = await this.options.entities.require(entityRef, credentials);
    await this.options.reads.require(entity, credentials);
    return {
      entityRef: stringifyEntityRef(entity),
      attestations: await this.options.store.listFor(
        attestationTargets(entity),
      ),
    };
  }

  /** Withdraws an attestation: the same permission as making one, on its entity. */
  async delete(id: string, credentials: BackstageCredentials): Promise<void> {
    this.requireUser(credentials);
    const attestation = await this.options.store.get(id);
    // An attestation on an entity the caller cannot see is as absent as no attestation.
    const entity =
      attestation &&
      (await this.options.entities
        .lookUp(attestation.entityRef, credentials)
        .catch(() => undefined));
    if (!attestation || !entity) {
      throw new NotFoundError(`No attestation ${id}`);
    }
    const entityRef = stringifyEntityRef(entity);
    await this.authorize(entityRef, credentials, 'withdraw an attestation');
    if (this.options.store.isDeclared(id)) {
      throw new ConflictError(
        `Attestation ${id} is declared in app-config (mesh.attestations): remove it there`,
      );
    }
    await this.options.store.delete(id);
    await this.rebuild(entityRef);
  }

  private requireUser(credentials: BackstageCredentials) {
    requireUser(
      credentials,
      'Only users may attest or withdraw attestations: an attestation is a person’s word, not a service’s',
    );
  }

  private async authorize(
    entityRef: string,
    credentials: BackstageCredentials,
    what: string,
  ) {
    // With the resource ref, a conditional decision is resolved against the entity by
    // the catalog (its permission rules), not here.
    const [decision] = await this.options.permissions.authorize(
      [{ permission: meshAttestationCreatePermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to ${what} for ${entityRef}: the permission ${meshAttestationCreatePermission.name} was denied`,
      );
    }
  }

  /**
   * The reports the attestation applies to are rebuilt from the stored snapshots now.
   * When that fails the attestation is still stored, and the next run shows it.
   */
  private async rebuild(targetRef: string) {
    const target = targetRef.toLocaleLowerCase('en-US');
    try {
      await this.options.collector.rebuildReports(e =>
        attestationTargets(e).includes(target),
      );
    } catch (e) {
      this.options.logger.warn(
        `Could not rebuild the reports covered by an attestation for ${targetRef}; the next collection will: ${stringifyError(
          e,
        )}`,
      );
    }
  }
}
