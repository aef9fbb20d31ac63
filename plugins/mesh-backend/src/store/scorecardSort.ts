import {
  CHECK_STATUS_SORT_ORDER,
  ScorecardSort,
  ScorecardSortColumn,
} from '@mesh-readiness/plugin-mesh-common';

/**
 * Sort columns and the SQL expressions they sort by. Every expression is non-null, so
 * both databases order the same way and `nulls first/last` never matters.
 */
const SORT_EXPRESSIONS: Record<ScorecardSortColumn, string> = {
  entityRef: 'entity_ref',
  title: 'lower(title)',
  kind: 'kind',
  owner: 'owner',
  system: 'system',
  domain: 'domain',
  namespaces: 'namespaces',
  clusters: 'clusters',
  provider: 'provider',
  dataPlane: 'data_plane',
  score: 'score',
  level: 'level_rank',
  coverage: 'COALESCE(coverage_covered, -1)',
  stale: 'CASE WHEN stale THEN 1 ELSE 0 END',
  generatedAt: 'generated_at',
};

const TEXT_SORTS = new Set<ScorecardSortColumn>([
  'entityRef',
  'title',
  'kind',
  'owner',
  'system',
  'domain',
  'namespaces',
  'clusters',
  'provider',
  'dataPlane',
  'generatedAt',
]);

/** A check id as `sort=check:<id>` may name it (the router also checks it is known). */
const SORTABLE_CHECK_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

/** An ORDER BY clause and its bound values. */
export interface SortSql {
  sql: string;
  bindings: Array<string | number>;
}

/**
 * ORDER BY for a sort, ties by ref in the same direction. Text sorts bytewise on
 * PostgreSQL too (COLLATE "C"), as SQLite does, so both databases page alike.
 *
 * `check:<id>` sorts by that check's status in the row's statuses JSON, ranked worst
 * first (CHECK_STATUS_SORT_ORDER), an entity without the check last. The id is a bound
 * value, never SQL text. PostgreSQL cuts the value after `"<id>":"`, which in that JSON
 * (check ids and status words) is only ever the key: several times cheaper than parsing
 * 5,000 JSON documents per page; SQLite's json_extract is cheap enough.
 */
export function orderBySql(
  order: { sort: ScorecardSort; order: 'asc' | 'desc' },
  client: 'pg' | 'sqlite',
): SortSql {
  const pg = client === 'pg';
  const collate = pg ? ' COLLATE "C"' : '';
  const direction = order.order === 'desc' ? 'desc' : 'asc';
  const tie = `entity_ref${collate} ${direction}`;
  if (order.sort.startsWith('check:')) {
    const id = order.sort.slice('check:'.length);
    if (!SORTABLE_CHECK_ID.test(id))
      throw new Error(`Cannot sort by check '${id}': not a check id`);
    const key = JSON.stringify({ [id]: '' }).slice(1, -2);
    const status = pg
      ? `split_part(substr(statuses, nullif(strpos(statuses, ?), 0) + ?), '"', 1)`
      : 'json_extract(statuses, ?)';
    const ranks = CHECK_STATUS_SORT_ORDER.map(
      (s, i) => `WHEN '${s}' THEN ${i}`,
    ).join(' ');
    return {
      sql: `CASE ${status} ${ranks} ELSE ${CHECK_STATUS_SORT_ORDER.length} END ${direction}, ${tie}`,
      bindings: pg ? [key, key.length] : [`$."${id}"`],
    };
  }
  const column = order.sort as ScorecardSortColumn;
  if (!Object.prototype.hasOwnProperty.call(SORT_EXPRESSIONS, column))
    throw new Error(`Cannot sort by '${column}': not a scorecard column`);
  const expression = `${SORT_EXPRESSIONS[column]}${
    TEXT_SORTS.has(column) ? collate : ''
  }`;
  return { sql: `${expression} ${direction}, ${tie}`, bindings: [] };
}
