import type { CompoundEntityRef } from '@backstage/catalog-model';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';

/**
 * The part of a Tech Insights check result the scorecard shows. The backend (jsonfc
 * checker) also sends the facts and the rule, which this stand-in ignores.
 */
export type TechInsightsCheckResult = {
  check: { id: string; name: string; description: string };
  result: boolean;
};

/**
 * Runs every configured check on the entity, as the community frontend's
 * `runChecks` does: `POST /checks/run/:namespace/:kind/:name` with no `checks` in the
 * body. Checks whose facts the entity lacks are left out of the answer by the backend,
 * so an entity without facts gets an empty array.
 */
export async function runChecks(
  apis: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  entity: CompoundEntityRef,
): Promise<TechInsightsCheckResult[]> {
  const baseUrl = await apis.discoveryApi.getBaseUrl('tech-insights');
  // Lower-case kind, as in catalog URLs; the backend lower-cases the ref anyway.
  const path = [
    entity.namespace,
    entity.kind.toLocaleLowerCase('en-US'),
    entity.name,
  ]
    .map(encodeURIComponent)
    .join('/');
  const response = await apis.fetchApi.fetch(`${baseUrl}/checks/run/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({}),
  });
  if (!response.ok) throw await ResponseError.fromResponse(response);
  return response.json();
}
