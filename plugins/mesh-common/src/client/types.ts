import { ScorecardSort } from '../types';

/**
 * What the client needs from its host: Backstage's `DiscoveryApi` (frontend) and
 * `DiscoveryService` (backend) both fit, as do `FetchApi` and the global `fetch`.
 *
 * @public
 */
export interface MeshApiClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Defaults to the global `fetch`; in the app, pass `fetchApi` so the token is added. */
  fetchApi?: { fetch: typeof fetch };
}

/**
 * A catalog entity: a ref string (`component:default/checkout`, kind and namespace
 * optional as in catalog-model's `parseEntityRef` defaults) or its parts.
 *
 * @public
 */
export type MeshEntityRef =
  | string
  | { kind: string; namespace?: string; name: string };

/**
 * The filters of `/v1/scorecard`, `/v1/scorecard/summary` and `/v1/scorecard/rollups`;
 * a list is sent as a repeated query parameter.
 *
 * @public
 */
export interface MeshScorecardFilters {
  owner?: string[];
  system?: string[];
  domain?: string[];
  namespace?: string[];
  cluster?: string[];
  provider?: string[];
  level?: string[];
  /** `<check-id>:<status>`, e.g. `security.mtls:fail`. */
  check?: string[];
  /** Free text. */
  q?: string;
}

/**
 * One page of `GET /v1/scorecard`: filters, sort, and `offset` or `cursor` paging.
 *
 * @public
 */
export interface MeshScorecardQuery extends MeshScorecardFilters {
  /** A column, or `check:<check-id>` for that check's status. */
  sort?: ScorecardSort;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  cursor?: string;
}
