import {
  SCORECARD_SORT_COLUMNS,
  ScorecardSortColumn,
} from '@mesh-readiness/plugin-mesh-common';
import { ScorecardFilters, ScorecardQuery } from '../../api';

/** The filters the page offers, each kept in the URL under the API's own name. */
export const FILTER_KEYS = [
  'owner',
  'system',
  'namespace',
  'provider',
  'level',
  'check',
] as const;

export type FilterKey = (typeof FILTER_KEYS)[number];

export const PAGE_SIZES = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 50;

/** What the URL says: the filters, the sort and the page (0-based). */
export interface ScorecardViewState {
  filters: ScorecardFilters;
  sort: ScorecardSortColumn;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

function isSortColumn(value: string | null): value is ScorecardSortColumn {
  return (
    value !== null &&
    (SCORECARD_SORT_COLUMNS as readonly string[]).includes(value)
  );
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Reads the view from the query string; anything unrecognised falls back to defaults. */
export function parseViewState(search: URLSearchParams): ScorecardViewState {
  const filters: ScorecardFilters = {};
  for (const key of FILTER_KEYS) {
    const values = search
      .getAll(key)
      .map(v => v.trim())
      .filter(Boolean);
    if (values.length) filters[key] = values;
  }
  const q = search.get('q')?.trim();
  if (q) filters.q = q;
  const sort = search.get('sort');
  const pageSize = positiveInt(search.get('limit'));
  const page = positiveInt(search.get('page'));
  return {
    filters,
    sort: isSortColumn(sort) ? sort : 'entityRef',
    order: search.get('order') === 'desc' ? 'desc' : 'asc',
    page: page && page > 0 ? page - 1 : 0,
    pageSize:
      pageSize && PAGE_SIZES.includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** Writes the view to a query string, leaving defaults out so shared links stay short. */
export function toSearchParams(state: ScorecardViewState): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    for (const value of state.filters[key] ?? []) search.append(key, value);
  }
  if (state.filters.q) search.set('q', state.filters.q);
  if (state.sort !== 'entityRef') search.set('sort', state.sort);
  if (state.order !== 'asc') search.set('order', state.order);
  if (state.page > 0) search.set('page', String(state.page + 1));
  if (state.pageSize !== DEFAULT_PAGE_SIZE) {
    search.set('limit', String(state.pageSize));
  }
  return search;
}

/** The API query of one page of the view. */
export function toScorecardQuery(state: ScorecardViewState): ScorecardQuery {
  return {
    ...state.filters,
    sort: state.sort,
    order: state.order,
    limit: state.pageSize,
    offset: state.page * state.pageSize,
  };
}

export function hasFilters(filters: ScorecardFilters): boolean {
  return Boolean(filters.q) || FILTER_KEYS.some(key => filters[key]?.length);
}
