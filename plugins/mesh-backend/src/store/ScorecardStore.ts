import {
  ambientSavings,
  CheckStatus,
  MeshReport,
  noSidecars,
  ReadinessLevel,
  ScorecardRollup,
  ScorecardRollupBy,
  SCORECARD_ROLLUP_BY,
  ScorecardRow,
  ScorecardSort,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';
import { ClusterFleetStore } from './ClusterFleetStore';
import { orderBySql, SortSql } from './scorecardSort';

const TABLE = 'mesh_scorecard';
const PLACEMENTS = 'mesh_scorecard_placements';
const BATCH = 200;

/** What the catalog says of an entity, beside its report (the collector has it). */
export interface ScorecardEntityInfo {
  kind: string;
  title: string;
  /** Entity refs, '' when none. */
  owner: string;
  system: string;
  domain: string;
}

/** Levels in order of readiness; unknown levels sort with `unmapped`. */
const LEVEL_RANK: Record<ReadinessLevel, number> = {
  unmapped: 0,
  'not-meshed': 1,
  'not-ready': 2,
  'almost-ready': 3,
  'production-ready': 4,
};

/** Filters of the scorecard, summary and roll-ups; values of one filter are OR-ed. */
export interface ScorecardFilter {
  owner?: string[];
  system?: string[];
  domain?: string[];
  namespace?: string[];
  cluster?: string[];
  provider?: string[];
  level?: string[];
  /** `check=<id>:<status>`: every one must hold. */
  checks?: { id: string; status: string }[];
  /** Free text, matched case-insensitively in ref, title, owner, system and domain. */
  q?: string;
}

export interface ScorecardOrder {
  sort: ScorecardSort;
  order: 'asc' | 'desc';
}

/** A page of the scorecard: the rows, how many match in all, where the page starts. */
export interface ScorecardStorePage {
  rows: ScorecardRow[];
  total: number;
  /** The 0-based position of the page's first row in the whole ordered list. */
  offset: number;
}

interface Row {
  entity_ref: string;
  ref: string;
  kind: string;
  title: string;
  owner: string;
  system: string;
  domain: string;
  namespaces: string;
  clusters: string;
  provider: string;
  data_plane: string;
  score: number | string;
  level: string;
  coverage_covered: number | null;
  coverage_total: number | null;
  stale: boolean | number;
  generated_at: string;
  statuses: string;
}

const ROW_COLUMNS = [
  'entity_ref',
  'ref',
  'kind',
  'title',
  'owner',
  'system',
  'domain',
  'namespaces',
  'clusters',
  'provider',
  'data_plane',
  'score',
  'level',
  'coverage_covered',
  'coverage_total',
  'stale',
  'generated_at',
  'statuses',
];

const num = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : 0;

function evidenceOf(report: MeshReport, id: string): Record<string, any> {
  return (report.checks.find(c => c.id === id)?.evidence ?? {}) as Record<
    string,
    any
  >;
}

/** The status the scorecard shows: a waived check is `waived`, never its status. */
function shownStatus(check: MeshReport['checks'][number]): string {
  const c = check as { status: string; waived?: unknown };
  return c.waived ? 'waived' : c.status;
}

function coverageOf(
  report: MeshReport,
): { covered: number; total: number } | null {
  const coverage = (report.readiness as { coverage?: unknown }).coverage as
    | { covered?: unknown; total?: unknown }
    | undefined;
  if (
    coverage &&
    typeof coverage.covered === 'number' &&
    typeof coverage.total === 'number'
  )
    return { covered: coverage.covered, total: coverage.total };
  return null;
}

/** A workload counts as meshed when every one of its pods runs in the mesh. */
const isMeshed = (w: { pods: number; meshedPods: number }) =>
  w.pods > 0 && w.meshedPods >= w.pods;

/** The scorecard's columns for one report (and what the catalog said of the entity). */
export function toScorecardRow(report: MeshReport, info?: ScorecardEntityInfo) {
  const rightsizing = evidenceOf(report, 'sidecar.rightsizing').totals ?? {};
  const double = evidenceOf(report, 'observability.double-instrumentation');
  const propagation = evidenceOf(report, 'observability.trace-propagation');
  const coverage = coverageOf(report);
  const namespaces = [...new Set(report.workloads.map(w => w.namespace))];
  const clusters = [...new Set(report.workloads.map(w => w.cluster))];
  return {
    entity_ref: report.entityRef.toLocaleLowerCase('en-US'),
    ref: report.entityRef,
    kind: info?.kind ?? report.entityRef.split(':')[0],
    title: info?.title ?? '',
    owner: info?.owner ?? '',
    system: info?.system ?? '',
    domain: info?.domain ?? '',
    namespaces: JSON.stringify(namespaces.sort()),
    clusters: JSON.stringify(clusters.sort()),
    provider: report.mesh.provider,
    data_plane: report.mesh.dataPlane,
    score: report.readiness.score,
    level: report.readiness.level,
    level_rank: LEVEL_RANK[report.readiness.level] ?? 0,
    coverage_covered: coverage?.covered ?? null,
    coverage_total: coverage?.total ?? null,
    stale: report.stale,
    generated_at: report.generatedAt,
    statuses: JSON.stringify(
      Object.fromEntries(report.checks.map(c => [c.id, shownStatus(c)])),
    ),
    workloads: report.workloads.length,
    meshed_workloads: report.workloads.filter(isMeshed).length,
    pods: report.workloads.reduce((s, w) => s + w.pods, 0),
    meshed_pods: report.workloads.reduce((s, w) => s + w.meshedPods, 0),
    sidecars: num(rightsizing.sidecars),
    measured_sidecars: num(rightsizing.measuredSidecars),
    requested_cpu_cores: num(rightsizing.requested?.cpuCores),
    requested_memory_bytes: num(rightsizing.requested?.memoryBytes),
    used_cpu_cores: num(rightsizing.used?.cpuCores),
    used_memory_bytes: num(rightsizing.used?.memoryBytes),
    app_series: num(double.appSeries),
    app_series_bytes: num(double.estimatedBytes),
    propagation_ratio:
      typeof propagation.propagationRatio === 'number' &&
      Number.isFinite(propagation.propagationRatio)
        ? propagation.propagationRatio
        : null,
  };
}

function toPlacements(report: MeshReport) {
  const byPlace = new Map<
    string,
    {
      entity_ref: string;
      cluster: string;
      namespace: string;
      workloads: number;
      meshed_workloads: number;
      pods: number;
      meshed_pods: number;
    }
  >();
  const entityRef = report.entityRef.toLocaleLowerCase('en-US');
  for (const w of report.workloads) {
    const key = `${w.cluster}\n${w.namespace}`;
    const p = byPlace.get(key) ?? {
      entity_ref: entityRef,
      cluster: w.cluster,
      namespace: w.namespace,
      workloads: 0,
      meshed_workloads: 0,
      pods: 0,
      meshed_pods: 0,
    };
    p.workloads += 1;
    p.meshed_workloads += isMeshed(w) ? 1 : 0;
    p.pods += w.pods;
    p.meshed_pods += w.meshedPods;
    byPlace.set(key, p);
  }
  return [...byPlace.values()];
}

const CATALOG_COLUMNS = ['kind', 'title', 'owner', 'system', 'domain'];

/**
 * Writes the scorecard rows of the reports, in the caller's transaction (the reports'
 * own, so the scorecard never disagrees with the reports). A report saved without
 * catalog info keeps the title, owner, system and domain stored before.
 */
export async function saveScorecardRows(
  tx: Knex | Knex.Transaction,
  reports: MeshReport[],
  entities?: Map<string, ScorecardEntityInfo>,
): Promise<void> {
  for (let i = 0; i < reports.length; i += BATCH) {
    const batch = reports.slice(i, i + BATCH);
    const withInfo: ReturnType<typeof toScorecardRow>[] = [];
    const withoutInfo: ReturnType<typeof toScorecardRow>[] = [];
    for (const r of batch) {
      const info = entities?.get(r.entityRef.toLocaleLowerCase('en-US'));
      (info ? withInfo : withoutInfo).push(toScorecardRow(r, info));
    }
    for (const [rows, keepCatalog] of [
      [withInfo, false],
      [withoutInfo, true],
    ] as const) {
      if (rows.length === 0) continue;
      const columns = Object.keys(rows[0]).filter(
        c =>
          c !== 'entity_ref' && !(keepCatalog && CATALOG_COLUMNS.includes(c)),
      );
      await tx(TABLE)
        .insert(rows.map(r => ({ ...r, updated_at: tx.fn.now() })))
        .onConflict('entity_ref')
        .merge([...columns, 'updated_at']);
    }
    await tx(PLACEMENTS)
      .whereIn(
        'entity_ref',
        batch.map(r => r.entityRef.toLocaleLowerCase('en-US')),
      )
      .delete();
    const placements = batch.flatMap(toPlacements);
    for (let j = 0; j < placements.length; j += BATCH) {
      await tx(PLACEMENTS).insert(placements.slice(j, j + BATCH));
    }
  }
}

/** `%`, `_` and `\` matched literally in a LIKE pattern (with `escape '\'`). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, m => `\\${m}`);

function parseRow(r: Row): ScorecardRow {
  return {
    entityRef: r.ref,
    kind: r.kind,
    title: r.title,
    owner: r.owner,
    system: r.system,
    domain: r.domain,
    namespaces: JSON.parse(r.namespaces),
    clusters: JSON.parse(r.clusters),
    provider: r.provider as ScorecardRow['provider'],
    dataPlane: r.data_plane as ScorecardRow['dataPlane'],
    score: Number(r.score),
    level: r.level,
    coverage:
      r.coverage_covered === null || r.coverage_total === null
        ? null
        : {
            covered: Number(r.coverage_covered),
            total: Number(r.coverage_total),
          },
    stale: Boolean(r.stale),
    generatedAt: r.generated_at,
    checks: JSON.parse(r.statuses),
  };
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Plain code-unit order (as SQLite and COLLATE "C" sort), never the locale's. */
function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Visibility: which lower-cased entity refs the caller may see (all when undefined). */
export type Visible = ((entityRef: string) => boolean) | undefined;

/**
 * The fleet scorecard, read from its own narrow tables (never from the reports' JSON).
 * Filters and sorts run in SQL on indexed columns; what the caller may see is decided by
 * the catalog (ScorecardService) and handed in as the refs it shows, so a page, its
 * total and its cursor position are one statement (`page`).
 */
export class ScorecardStore {
  constructor(private readonly db: Knex) {}

  /** ORDER BY for a sort (scorecardSort.ts), for this database. */
  private orderBy(order: ScorecardOrder): SortSql {
    return orderBySql(order, this.isPg() ? 'pg' : 'sqlite');
  }

  private isPg(): boolean {
    return this.db.client.config.client === 'pg';
  }

  /**
   * `entity_ref` among the refs, bound as one value however many there are: a text[]
   * literal on PostgreSQL (`= any`, the cheapest there), a JSON array on SQLite.
   */
  private whereRefIn(q: Knex.QueryBuilder, refs: string[]): void {
    if (this.isPg()) {
      const literal = `{${refs
        .map(r => `"${r.replace(/[\\"]/g, m => `\\${m}`)}"`)
        .join(',')}}`;
      q.whereRaw('entity_ref = any(?::text[])', [literal]);
    } else {
      q.whereRaw('entity_ref in (select value from json_each(?))', [
        JSON.stringify(refs),
      ]);
    }
  }

  private filtered(filter: ScorecardFilter): Knex.QueryBuilder {
    const q = this.db(TABLE);
    const exact = [
      ['owner', filter.owner],
      ['system', filter.system],
      ['domain', filter.domain],
      ['provider', filter.provider],
      ['level', filter.level],
    ] as const;
    for (const [column, values] of exact) {
      if (values?.length)
        q.whereIn(
          column,
          values.map(v =>
            column === 'provider' || column === 'level'
              ? v
              : v.toLocaleLowerCase('en-US'),
          ),
        );
    }
    for (const [column, values] of [
      ['namespace', filter.namespace],
      ['cluster', filter.cluster],
    ] as const) {
      if (values?.length)
        q.whereIn(
          'entity_ref',
          this.db(PLACEMENTS).select('entity_ref').whereIn(column, values),
        );
    }
    for (const { id, status } of filter.checks ?? []) {
      // JSON.stringify writes `"id":"status"` with no spaces.
      q.whereRaw(`statuses like ? escape '\\'`, [
        `%${likeLiteral(JSON.stringify({ [id]: status }).slice(1, -1))}%`,
      ]);
    }
    if (filter.q) {
      const pattern = `%${likeLiteral(filter.q.toLocaleLowerCase('en-US'))}%`;
      q.where(w => {
        for (const column of ['entity_ref', 'title', 'owner', 'system']) {
          w.orWhereRaw(`lower(${column}) like ? escape '\\'`, [pattern]);
        }
        w.orWhereRaw(`lower(domain) like ? escape '\\'`, [pattern]);
      });
    }
    return q;
  }

  /** Every entity ref with a row, lower-cased (for the catalog's visibility check). */
  async listRefs(): Promise<string[]> {
    const rows = await this.db(TABLE).select('ref');
    return rows.map(r => r.ref);
  }

  /**
   * The refs matching the filter in the requested order (ties by ref), visible ones
   * only: the whole ordered list, small per row, from which a page is cut.
   */
  async matchingRefs(
    filter: ScorecardFilter,
    order: ScorecardOrder,
    visible: Visible,
  ): Promise<string[]> {
    const { sql, bindings } = this.orderBy(order);
    const rows: { entity_ref: string }[] = await this.filtered(filter)
      .select('entity_ref')
      .orderByRaw(sql, bindings);
    const refs = rows.map(r => r.entity_ref);
    return visible ? refs.filter(visible) : refs;
  }

  /** The rows of these (lower-cased) refs, in the order given. */
  async rowsOf(refs: string[]): Promise<ScorecardRow[]> {
    const byRef = new Map<string, ScorecardRow>();
    for (let i = 0; i < refs.length; i += BATCH * 5) {
      const rows: Row[] = await this.db(TABLE)
        .select(ROW_COLUMNS)
        .whereIn('entity_ref', refs.slice(i, i + BATCH * 5));
      for (const r of rows) byRef.set(r.entity_ref, parseRow(r));
    }
    return refs.flatMap(r => byRef.get(r) ?? []);
  }

  /**
   * One page of the matching rows the caller may see, with the total, in one statement:
   * the matching refs are numbered in the requested order (a window function), counted,
   * and the page's rows are joined back by primary key. `visible` (lower-cased refs, the
   * catalog's answer) goes in as one bound value; undefined: every row.
   *
   * The page starts after the row `after` (a cursor's last ref) where that row still
   * matches, else after `offset` rows, so a cursor survives its row leaving the set.
   */
  async page(
    filter: ScorecardFilter,
    order: ScorecardOrder,
    visible: string[] | undefined,
    window: { limit: number; offset: number; after?: string },
  ): Promise<ScorecardStorePage> {
    const { sql, bindings } = this.orderBy(order);
    const matching = this.filtered(filter).select(
      'entity_ref',
      this.db.raw(`row_number() over (order by ${sql}) as pos`, bindings),
    );
    if (visible) this.whereRefIn(matching, visible);
    const columns = ROW_COLUMNS.map(c => `t.${c}`).join(', ');
    // The one-row `one` keeps the total when the page is empty (past the end).
    const result = await this.db.raw(
      `with matching as ?,
      page_start as (
        select coalesce((select pos from matching where entity_ref = ?), ?) as start_after
      ),
      page as (
        select entity_ref, pos from matching
        where pos > (select start_after from page_start)
        order by pos limit ?
      )
      select (select count(*) from matching) as total,
        (select start_after from page_start) as start_after,
        page.pos as pos, ${columns}
      from (select 1 as one) as one
      left join page on 1 = 1
      left join ${TABLE} t on t.entity_ref = page.entity_ref
      order by page.pos`,
      [matching, window.after ?? null, window.offset, window.limit],
    );
    const rows: Array<
      Row & { total: unknown; start_after: unknown; pos: unknown }
    > = Array.isArray(result) ? result : result.rows;
    return {
      rows: rows.filter(r => r.pos !== null).map(parseRow),
      total: Number(rows[0]?.total ?? 0),
      offset: Number(rows[0]?.start_after ?? window.offset),
    };
  }

  /** Every matching, visible row in order, in one query (the CSV export). */
  async allRows(
    filter: ScorecardFilter,
    order: ScorecardOrder,
    visible: Visible,
  ): Promise<ScorecardRow[]> {
    const { sql, bindings } = this.orderBy(order);
    const rows: Row[] = await this.filtered(filter)
      .select(ROW_COLUMNS)
      .orderByRaw(sql, bindings);
    return (visible ? rows.filter(r => visible(r.entity_ref)) : rows).map(
      parseRow,
    );
  }

  async summary(
    filter: ScorecardFilter,
    visible: Visible,
  ): Promise<ScorecardSummary> {
    const rows = await this.filtered(filter).select(
      'entity_ref',
      'level',
      'stale',
      'sidecars',
      'measured_sidecars',
      'requested_cpu_cores',
      'requested_memory_bytes',
      'used_cpu_cores',
      'used_memory_bytes',
      'app_series',
      'app_series_bytes',
      'propagation_ratio',
      'clusters',
    );
    const summary: ScorecardSummary = {
      entities: 0,
      levels: {},
      stale: 0,
      sidecars: noSidecars(),
      doubleInstrumentation: { appSeries: 0, estimatedBytes: 0 },
      medianPropagationRatio: null,
      ambient: ambientSavings({ cpuCores: 0, memoryBytes: 0 }, null),
    };
    const ratios: number[] = [];
    const sidecarClusters = new Set<string>();
    for (const r of rows) {
      if (visible && !visible(r.entity_ref)) continue;
      if (Number(r.sidecars) > 0)
        for (const c of JSON.parse(r.clusters) as string[])
          sidecarClusters.add(c);
      summary.entities += 1;
      summary.levels[r.level] = (summary.levels[r.level] ?? 0) + 1;
      if (r.stale) summary.stale += 1;
      const s = summary.sidecars;
      s.count += Number(r.sidecars);
      s.measured += Number(r.measured_sidecars);
      s.requested.cpuCores += Number(r.requested_cpu_cores);
      s.requested.memoryBytes += Number(r.requested_memory_bytes);
      s.used.cpuCores += Number(r.used_cpu_cores);
      s.used.memoryBytes += Number(r.used_memory_bytes);
      summary.doubleInstrumentation.appSeries += Number(r.app_series);
      summary.doubleInstrumentation.estimatedBytes += Number(
        r.app_series_bytes,
      );
      if (r.propagation_ratio !== null)
        ratios.push(Number(r.propagation_ratio));
    }
    // Sums of fractional cores: rounded, so 0.1 + 0.2 reads 0.3.
    const round = (v: number) => Math.round(v * 1000) / 1000;
    summary.sidecars.requested.cpuCores = round(
      summary.sidecars.requested.cpuCores,
    );
    summary.sidecars.used.cpuCores = round(summary.sidecars.used.cpuCores);
    summary.medianPropagationRatio = median(ratios);
    summary.ambient = ambientSavings(
      summary.sidecars.requested,
      await this.nodesOf(sidecarClusters),
    );
    return summary;
  }

  /**
   * The nodes of these clusters, from their latest collection runs: a ztunnel runs on
   * each. Null unless every one of them has a node count (none, or no run yet).
   */
  private async nodesOf(clusters: Set<string>): Promise<number | null> {
    if (clusters.size === 0) return null;
    const latest = await new ClusterFleetStore(this.db).latest([...clusters]);
    let nodes = 0;
    for (const c of clusters) {
      const n = latest.get(c)?.nodes;
      if (typeof n !== 'number') return null;
      nodes += n;
    }
    return nodes;
  }

  /** Every roll-up of the whole fleet (no filter, no visibility): the history's points. */
  async allRollups(): Promise<Map<ScorecardRollupBy, ScorecardRollup[]>> {
    const out = new Map<ScorecardRollupBy, ScorecardRollup[]>();
    for (const by of SCORECARD_ROLLUP_BY) {
      out.set(by, await this.rollups(by, {}, undefined));
    }
    return out;
  }

  /**
   * Roll-ups by the catalog's relations (owner group, system, the system's domain) or
   * by where the workloads run (namespace, cluster): one query, aggregated here.
   */
  async rollups(
    by: ScorecardRollupBy,
    filter: ScorecardFilter,
    visible: Visible,
  ): Promise<ScorecardRollup[]> {
    const placed = by === 'namespace' || by === 'cluster';
    let rows: any[];
    if (placed) {
      rows = await this.filtered(filter)
        .join(PLACEMENTS, `${PLACEMENTS}.entity_ref`, `${TABLE}.entity_ref`)
        .select(
          `${TABLE}.entity_ref as entity_ref`,
          `${PLACEMENTS}.${by} as key`,
          `${TABLE}.score as score`,
          `${TABLE}.level as level`,
          `${TABLE}.statuses as statuses`,
          `${PLACEMENTS}.workloads as workloads`,
          `${PLACEMENTS}.meshed_workloads as meshed_workloads`,
          `${PLACEMENTS}.pods as pods`,
          `${PLACEMENTS}.meshed_pods as meshed_pods`,
        );
    } else {
      const column = by === 'group' ? 'owner' : by;
      rows = await this.filtered(filter).select(
        'entity_ref',
        `${column} as key`,
        'score',
        'level',
        'statuses',
        'workloads',
        'meshed_workloads',
        'pods',
        'meshed_pods',
      );
    }
    const groups = new Map<
      string,
      {
        entities: Set<string>;
        scoreSum: number;
        levels: Record<string, number>;
        failing: Map<string, number>;
        warning: Map<string, number>;
        rollout: ScorecardRollup['rollout'];
      }
    >();
    // An entity in several clusters or namespaces comes once per place: parse once.
    const parsed = new Map<string, [string, CheckStatus][]>();
    for (const r of rows) {
      if (visible && !visible(r.entity_ref)) continue;
      let g = groups.get(r.key);
      if (!g) {
        g = {
          entities: new Set(),
          scoreSum: 0,
          levels: {},
          failing: new Map(),
          warning: new Map(),
          rollout: { meshedWorkloads: 0, workloads: 0, meshedPods: 0, pods: 0 },
        };
        groups.set(r.key, g);
      }
      g.rollout.workloads += Number(r.workloads);
      g.rollout.meshedWorkloads += Number(r.meshed_workloads);
      g.rollout.pods += Number(r.pods);
      g.rollout.meshedPods += Number(r.meshed_pods);
      // An entity in two namespaces counts once per namespace, but its checks and
      // score once per roll-up key.
      if (g.entities.has(r.entity_ref)) continue;
      g.entities.add(r.entity_ref);
      g.scoreSum += Number(r.score);
      g.levels[r.level] = (g.levels[r.level] ?? 0) + 1;
      let statuses = parsed.get(r.entity_ref);
      if (!statuses) {
        statuses = Object.entries(
          JSON.parse(r.statuses) as Record<string, CheckStatus>,
        );
        parsed.set(r.entity_ref, statuses);
      }
      for (const [id, status] of statuses) {
        if (status === 'fail') g.failing.set(id, (g.failing.get(id) ?? 0) + 1);
        else if (status === 'warn')
          g.warning.set(id, (g.warning.get(id) ?? 0) + 1);
      }
    }
    return [...groups.entries()]
      .map(([key, g]) => {
        const n = g.entities.size;
        const worst = [...new Set([...g.failing.keys(), ...g.warning.keys()])]
          .map(id => ({
            id,
            failing: g.failing.get(id) ?? 0,
            warning: g.warning.get(id) ?? 0,
          }))
          .sort(
            (a, b) =>
              b.failing - a.failing ||
              b.warning - a.warning ||
              byCodeUnits(a.id, b.id),
          )
          .slice(0, 5);
        return {
          key,
          entities: n,
          averageScore: Math.round((10 * g.scoreSum) / n) / 10,
          levels: Object.fromEntries(
            Object.entries(g.levels).map(([l, c]) => [
              l,
              Math.round((1000 * c) / n) / 1000,
            ]),
          ),
          worstChecks: worst,
          rollout: g.rollout,
        };
      })
      .sort((a, b) => byCodeUnits(a.key, b.key));
  }
}
