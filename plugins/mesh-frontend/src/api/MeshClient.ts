import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  Attestation,
  AttestationsResponse,
  ChecksResponse,
  CreateAttestationRequest,
  CreateWaiverRequest,
  FleetHistoryResponse,
  HistoryResponse,
  MeshApiClient,
  MeshReport,
  RefreshResponse,
  RollupHistoryResponse,
  ScorecardPage,
  ScorecardRollupBy,
  ScorecardRollupsResponse,
  ScorecardSummary,
  Waiver,
  WaiversResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshApi, ScorecardFilters, ScorecardQuery } from './MeshApi';

/**
 * The default {@link MeshApi}: `discoveryApi.getBaseUrl('mesh')` and the app's
 * `fetchApi`, which adds the Backstage token. Every call goes through mesh-common's
 * typed `MeshApiClient`, so the frontend and other clients (the Tech Insights module)
 * speak to the REST API the same way.
 *
 * @public
 */
export class MeshClient implements MeshApi {
  private readonly client: MeshApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.client = new MeshApiClient({
      discoveryApi: options.discoveryApi,
      fetchApi: options.fetchApi,
    });
  }

  getReport(entityRef: CompoundEntityRef): Promise<MeshReport | undefined> {
    return this.client.getReport(entityRef);
  }

  refresh(entityRef?: string): Promise<RefreshResponse> {
    return this.client.refresh(entityRef);
  }

  getChecks(): Promise<ChecksResponse> {
    return this.client.getChecks();
  }

  getScorecard(query: ScorecardQuery = {}): Promise<ScorecardPage> {
    return this.client.getScorecard(query);
  }

  async getScorecardCsv(
    query: Omit<ScorecardQuery, 'limit' | 'offset' | 'cursor'> = {},
  ): Promise<Blob> {
    // The page downloads it through an object URL, which needs a Blob.
    const text = await this.client.getScorecardCsv(query);
    return new Blob([text], { type: 'text/csv;charset=utf-8' });
  }

  getScorecardRollups(
    by: ScorecardRollupBy,
    filters: ScorecardFilters = {},
  ): Promise<ScorecardRollupsResponse> {
    return this.client.getScorecardRollups(by, filters);
  }

  getScorecardSummary(
    filters: ScorecardFilters = {},
  ): Promise<ScorecardSummary> {
    return this.client.getScorecardSummary(filters);
  }

  getRollupHistory(
    by: ScorecardRollupBy,
    key: string,
    days?: number,
  ): Promise<RollupHistoryResponse> {
    return this.client.getRollupHistory(by, key, days);
  }

  getFleetHistory(days?: number): Promise<FleetHistoryResponse> {
    return this.client.getFleetHistory(days);
  }

  getHistory(
    entityRef: CompoundEntityRef,
    days?: number,
  ): Promise<HistoryResponse> {
    return this.client.getHistory(entityRef, days);
  }

  listAttestations(entityRef: string): Promise<AttestationsResponse> {
    return this.client.listAttestations(entityRef);
  }

  createAttestation(request: CreateAttestationRequest): Promise<Attestation> {
    return this.client.createAttestation(request);
  }

  deleteAttestation(id: string): Promise<void> {
    return this.client.deleteAttestation(id);
  }

  listWaivers(entityRef: string): Promise<WaiversResponse> {
    return this.client.listWaivers(entityRef);
  }

  createWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return this.client.createWaiver(request);
  }

  deleteWaiver(id: string): Promise<void> {
    return this.client.deleteWaiver(id);
  }
}
