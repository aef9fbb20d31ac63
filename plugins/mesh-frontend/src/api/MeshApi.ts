import { createApiRef } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  Attestation,
  AttestationsResponse,
  ChecksResponse,
  CreateAttestationRequest,
  CreateWaiverRequest,
  FleetHistoryResponse,
  HistoryResponse,
  MeshReport,
  MeshScorecardFilters,
  MeshScorecardQuery,
  RefreshResponse,
  RollupHistoryResponse,
  ScorecardPage,
  ScorecardRollupBy,
  ScorecardRollupsResponse,
  ScorecardSummary,
  Waiver,
  WaiversResponse,
} from '@mesh-readiness/plugin-mesh-common';

/**
 * The filters of the fleet scorecard's endpoints (`/v1/scorecard`, `/rollups`,
 * `/summary`), as the typed client in mesh-common sends them.
 *
 * @public
 */
export type ScorecardFilters = MeshScorecardFilters;

/**
 * One page of `GET /v1/scorecard`: filters, sort, and `offset` or `cursor` paging.
 *
 * @public
 */
export type ScorecardQuery = MeshScorecardQuery;

/**
 * Client of the mesh backend's REST API (`/api/mesh`).
 *
 * @public
 */
export interface MeshApi {
  /**
   * The latest report of an entity, or `undefined` when the entity is known but no
   * report has been collected for it yet. Any other failure throws a ResponseError.
   */
  getReport(entityRef: CompoundEntityRef): Promise<MeshReport | undefined>;
  /**
   * Runs a collection now and resolves once it finished. With an entity ref, only the
   * clusters of that entity are collected.
   */
  refresh(entityRef?: string): Promise<RefreshResponse>;
  /** The catalog of check definitions the backend implements. */
  getChecks(): Promise<ChecksResponse>;

  /** One page of the fleet scorecard (`GET /v1/scorecard`). */
  getScorecard(query?: ScorecardQuery): Promise<ScorecardPage>;

  /**
   * The whole filtered scorecard as CSV (`GET /v1/scorecard?format=csv`), fetched with
   * the user's token, as a Blob to download.
   */
  getScorecardCsv(
    query?: Omit<ScorecardQuery, 'limit' | 'offset' | 'cursor'>,
  ): Promise<Blob>;

  /** Roll-ups by group, system, domain, namespace or cluster (`/v1/scorecard/rollups`). */
  getScorecardRollups(
    by: ScorecardRollupBy,
    filters?: ScorecardFilters,
  ): Promise<ScorecardRollupsResponse>;

  /** Levels, sidecar cost, double instrumentation, propagation (`/v1/scorecard/summary`). */
  getScorecardSummary(filters?: ScorecardFilters): Promise<ScorecardSummary>;

  /** One roll-up key's daily history, for trends (`/v1/history/rollups`). */
  getRollupHistory(
    by: ScorecardRollupBy,
    key: string,
    days?: number,
  ): Promise<RollupHistoryResponse>;

  /** The whole fleet's daily readiness, for the trend chart (`/v1/history/fleet`). */
  getFleetHistory(days?: number): Promise<FleetHistoryResponse>;

  /**
   * An entity's daily readiness and golden signals (`/v1/history/:kind/:namespace/:name`),
   * oldest first, for the tab's sparklines.
   */
  getHistory(
    entityRef: CompoundEntityRef,
    days?: number,
  ): Promise<HistoryResponse>;

  /** The attestations that apply to an entity: its own, its owner's and its system's. */
  listAttestations(entityRef: string): Promise<AttestationsResponse>;
  /** Attests a checklist line (`POST /v1/attestations`); resolves with what was stored. */
  createAttestation(request: CreateAttestationRequest): Promise<Attestation>;
  /** Withdraws an attestation (`DELETE /v1/attestations/:id`). */
  deleteAttestation(id: string): Promise<void>;

  /** The waivers made through the API for an entity (`GET /v1/waivers`). */
  listWaivers(entityRef: string): Promise<WaiversResponse>;
  /** Waives a check for an entity (`POST /v1/waivers`); resolves with what was stored. */
  createWaiver(request: CreateWaiverRequest): Promise<Waiver>;
  /** Withdraws a waiver (`DELETE /v1/waivers/:id`). */
  deleteWaiver(id: string): Promise<void>;
}

/** @public */
export const meshApiRef = createApiRef<MeshApi>({
  id: 'plugin.mesh.service',
});
