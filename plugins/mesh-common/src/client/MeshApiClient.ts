import { ResponseError } from '@backstage/errors';
import {
  Attestation,
  AttestationsResponse,
  ChecksResponse,
  ClusterFleetHistoryResponse,
  ClustersResponse,
  CreateAttestationRequest,
  CreateWaiverRequest,
  FleetHistoryResponse,
  HistoryResponse,
  MESH_ERROR_CODES,
  MeshReport,
  RefreshResponse,
  RollupHistoryResponse,
  ScorecardPage,
  ScorecardRollupBy,
  ScorecardRollupsResponse,
  ScorecardSummary,
  Waiver,
  WaiversResponse,
} from '../types';
import {
  MeshApiClientOptions,
  MeshEntityRef,
  MeshScorecardFilters,
  MeshScorecardQuery,
} from './types';

type QueryValue = string | number | string[] | undefined;

/** A query string from scalar and list values; lists repeat the parameter. */
function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== '') search.append(key, item);
    } else {
      search.append(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * `kind/namespace/name`, each segment URL-encoded, in the canonical lower case entity
 * refs compare in. A string ref needs its kind: the routes are per kind.
 */
export function entityPath(ref: MeshEntityRef): string {
  let parts: { kind: string; namespace?: string; name: string };
  if (typeof ref === 'string') {
    const match = /^([^:/]+):(?:([^:/]+)\/)?([^:/]+)$/.exec(ref);
    if (!match) {
      throw new TypeError(
        `Invalid entity ref '${ref}': expected kind:[namespace/]name`,
      );
    }
    parts = { kind: match[1], namespace: match[2], name: match[3] };
  } else {
    parts = ref;
  }
  return [parts.kind, parts.namespace || 'default', parts.name]
    .map(s => encodeURIComponent(s.toLocaleLowerCase('en-US')))
    .join('/');
}

/**
 * A typed client of every route of the mesh backend's REST API (`/api/mesh`, described
 * by `plugins/mesh-backend/src/schema/openapi.yaml`). It runs in the browser and in
 * backends alike; a non-2xx answer throws a `ResponseError` carrying Backstage's error
 * body.
 *
 * @public
 */
export class MeshApiClient {
  private readonly discoveryApi: MeshApiClientOptions['discoveryApi'];
  private readonly fetchApi: NonNullable<MeshApiClientOptions['fetchApi']>;

  constructor(options: MeshApiClientOptions) {
    this.discoveryApi = options.discoveryApi;
    // Bound: a bare global `fetch` called as a method of another object is refused.
    this.fetchApi = options.fetchApi ?? {
      fetch: (input, init) => fetch(input, init),
    };
  }

  /** `GET /health`. */
  async getHealth(): Promise<{ status: 'ok' }> {
    return this.getJson('/health');
  }

  /** `GET /metrics`: the Prometheus text exposition. */
  async getMetrics(): Promise<string> {
    return (await this.ok(await this.request('/metrics'))).text();
  }

  /** `GET /v1/checks`. */
  async getChecks(): Promise<ChecksResponse> {
    return this.getJson('/v1/checks');
  }

  /**
   * `GET /v1/reports/:kind/:namespace/:name`: the latest report, or `undefined` when
   * the entity is known but not collected yet (`MESH_NO_REPORT_YET`). An unknown entity
   * throws, as any other failure.
   */
  async getReport(entityRef: MeshEntityRef): Promise<MeshReport | undefined> {
    const response = await this.request(`/v1/reports/${entityPath(entityRef)}`);
    if (response.status === 404 && (await isNoReportYet(response))) {
      return undefined;
    }
    return (await this.ok(response)).json();
  }

  /** `GET /v1/history/:kind/:namespace/:name?days=`. */
  async getHistory(
    entityRef: MeshEntityRef,
    days?: number,
  ): Promise<HistoryResponse> {
    return this.getJson(
      `/v1/history/${entityPath(entityRef)}${queryString({ days })}`,
    );
  }

  /** `POST /v1/refresh`: collects now (only the entity's clusters, when given). */
  async refresh(entityRef?: string): Promise<RefreshResponse> {
    return this.sendJson('POST', '/v1/refresh', entityRef ? { entityRef } : {});
  }

  /** `GET /v1/scorecard`: one page of rows. */
  async getScorecard(query: MeshScorecardQuery = {}): Promise<ScorecardPage> {
    return this.getJson(`/v1/scorecard${queryString({ ...query })}`);
  }

  /** `GET /v1/scorecard?format=csv`: every matching row as CSV. */
  async getScorecardCsv(
    query: Omit<MeshScorecardQuery, 'limit' | 'offset' | 'cursor'> = {},
  ): Promise<string> {
    const response = await this.request(
      `/v1/scorecard${queryString({ ...query, format: 'csv' })}`,
      { headers: { Accept: 'text/csv' } },
    );
    return (await this.ok(response)).text();
  }

  /** `GET /v1/scorecard/summary`. */
  async getScorecardSummary(
    filters: MeshScorecardFilters = {},
  ): Promise<ScorecardSummary> {
    return this.getJson(`/v1/scorecard/summary${queryString({ ...filters })}`);
  }

  /** `GET /v1/scorecard/rollups?by=`. */
  async getScorecardRollups(
    by: ScorecardRollupBy,
    filters: MeshScorecardFilters = {},
  ): Promise<ScorecardRollupsResponse> {
    return this.getJson(
      `/v1/scorecard/rollups${queryString({ ...filters, by })}`,
    );
  }

  /** `GET /v1/history/rollups?by=&key=&days=`. */
  async getRollupHistory(
    by: ScorecardRollupBy,
    key: string,
    days?: number,
  ): Promise<RollupHistoryResponse> {
    return this.getJson(`/v1/history/rollups${queryString({ by, key, days })}`);
  }

  /** `GET /v1/history/fleet?days=`. */
  async getFleetHistory(days?: number): Promise<FleetHistoryResponse> {
    return this.getJson(`/v1/history/fleet${queryString({ days })}`);
  }

  /** `GET /v1/clusters`: each cluster's last run and latest fleet figures. */
  async listClusters(): Promise<ClustersResponse> {
    return this.getJson('/v1/clusters');
  }

  /** `GET /v1/clusters/:cluster/history?days=`. */
  async getClusterFleetHistory(
    cluster: string,
    days?: number,
  ): Promise<ClusterFleetHistoryResponse> {
    return this.getJson(
      `/v1/clusters/${encodeURIComponent(cluster)}/history${queryString({
        days,
      })}`,
    );
  }

  /** `GET /v1/attestations?entityRef=`. */
  async listAttestations(entityRef: string): Promise<AttestationsResponse> {
    return this.getJson(`/v1/attestations${queryString({ entityRef })}`);
  }

  /** `POST /v1/attestations`. */
  async createAttestation(
    request: CreateAttestationRequest,
  ): Promise<Attestation> {
    return this.sendJson('POST', '/v1/attestations', request);
  }

  /** `DELETE /v1/attestations/:id`. */
  async deleteAttestation(id: string): Promise<void> {
    await this.ok(
      await this.request(`/v1/attestations/${encodeURIComponent(id)}`, {
        method: 'DELETE',
      }),
    );
  }

  /** `GET /v1/waivers?entityRef=`. */
  async listWaivers(entityRef: string): Promise<WaiversResponse> {
    return this.getJson(`/v1/waivers${queryString({ entityRef })}`);
  }

  /** `POST /v1/waivers`. */
  async createWaiver(request: CreateWaiverRequest): Promise<Waiver> {
    return this.sendJson('POST', '/v1/waivers', request);
  }

  /** `DELETE /v1/waivers/:id`. */
  async deleteWaiver(id: string): Promise<void> {
    await this.ok(
      await this.request(`/v1/waivers/${encodeURIComponent(id)}`, {
        method: 'DELETE',
      }),
    );
  }

  private async getJson<T>(path: string): Promise<T> {
    return (await this.ok(await this.request(path))).json();
  }

  private async sendJson<T>(
    method: 'POST',
    path: string,
    body: unknown,
  ): Promise<T> {
    const response = await this.request(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await this.ok(response)).json();
  }

  private async ok(response: Response): Promise<Response> {
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh');
    return this.fetchApi.fetch(`${baseUrl}${path}`, init);
  }
}

/** A 404 whose body carries the "entity known, no report yet" code. */
async function isNoReportYet(response: Response): Promise<boolean> {
  try {
    const body = await response.clone().json();
    return body?.error?.code === MESH_ERROR_CODES.noReportYet;
  } catch {
    return false;
  }
}
