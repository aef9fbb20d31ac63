import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef, DEFAULT_NAMESPACE } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ChecksResponse,
  MESH_ERROR_CODES,
  MeshReport,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import { MeshApi } from './MeshApi';

/**
 * True when a 404 body carries the "entity exists, no report collected yet" code, as
 * opposed to an unknown entity or a missing route.
 */
async function isNoReportYet(response: Response): Promise<boolean> {
  try {
    const body = await response.clone().json();
    return body?.error?.code === MESH_ERROR_CODES.noReportYet;
  } catch {
    return false;
  }
}

/**
 * The default {@link MeshApi}: `discoveryApi.getBaseUrl('mesh')` and the app's
 * `fetchApi`, which adds the Backstage token.
 *
 * @public
 */
export class MeshClient implements MeshApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getReport(
    entityRef: CompoundEntityRef,
  ): Promise<MeshReport | undefined> {
    // Entity refs are case-insensitive; send them in their canonical lower case,
    // as stringifyEntityRef writes them.
    const segments = [
      entityRef.kind,
      entityRef.namespace || DEFAULT_NAMESPACE,
      entityRef.name,
    ].map(s => encodeURIComponent(s.toLocaleLowerCase('en-US')));
    const response = await this.request(`/v1/reports/${segments.join('/')}`);
    if (response.status === 404 && (await isNoReportYet(response))) {
      return undefined;
    }
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as MeshReport;
  }

  async refresh(entityRef?: string): Promise<RefreshResponse> {
    const response = await this.request('/v1/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(entityRef ? { entityRef } : {}),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as RefreshResponse;
  }

  async getChecks(): Promise<ChecksResponse> {
    const response = await this.request('/v1/checks');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as ChecksResponse;
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('mesh');
    return this.fetchApi.fetch(`${baseUrl}${path}`, init);
  }
}
