import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import { ScorecardFilters } from '../../api';
import { scorecardRouteRef } from '../../routes';
import { parseViewState, toSearchParams } from '../ScorecardPage/urlState';

/** A function from an entity ref to its Mesh tab, or undefined without a catalog route. */
export function useMeshTabOf(): (entityRef: string) => string | undefined {
  let entityRoute:
    | ((params: { kind: string; namespace: string; name: string }) => string)
    | undefined;
  try {
    // Throws when the app mounts the catalog's entity page nowhere. It calls all of its
    // own hooks before it throws, so the hook order stays the same every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    entityRoute = useRouteRef(entityRouteRef);
  } catch {
    entityRoute = undefined;
  }
  return entityRef => {
    if (!entityRoute) return undefined;
    try {
      const ref = parseEntityRef(entityRef);
      return `${entityRoute({
        kind: ref.kind.toLocaleLowerCase('en-US'),
        namespace: ref.namespace.toLocaleLowerCase('en-US'),
        name: ref.name,
      })}/mesh`;
    } catch {
      return undefined;
    }
  };
}

/**
 * The fleet scorecard with these filters, in the query string the page reads; undefined
 * when the app has no scorecard page.
 */
export function useScorecardLink(
  filters: ScorecardFilters,
): string | undefined {
  let scorecard: (() => string) | undefined;
  try {
    // Throws when the app has no scorecard page (see useMeshTabOf).
    // eslint-disable-next-line react-hooks/rules-of-hooks
    scorecard = useRouteRef(scorecardRouteRef);
  } catch {
    scorecard = undefined;
  }
  if (!scorecard) return undefined;
  const search = toSearchParams({
    ...parseViewState(new URLSearchParams()),
    filters,
  }).toString();
  return search ? `${scorecard()}?${search}` : scorecard();
}
