/**
 * Reading a Grafana dashboard JSON for tests: what Grafana's schema cannot say about
 * it (checkDashboard; the schema itself is applied in grafanaSchema.test.ts), its
 * PromQL, and the metric names that PromQL reads.
 */

export interface DashboardTarget {
  refId?: unknown;
  expr?: unknown;
  datasource?: { type?: unknown; uid?: unknown };
}

export interface DashboardPanel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: { h?: unknown; w?: unknown; x?: unknown; y?: unknown };
  datasource?: { type?: unknown; uid?: unknown };
  targets?: DashboardTarget[];
}

export interface Dashboard {
  uid?: unknown;
  title?: unknown;
  schemaVersion?: unknown;
  time?: { from?: unknown; to?: unknown };
  templating?: {
    list?: {
      name?: unknown;
      type?: unknown;
      query?: unknown;
    }[];
  };
  panels?: DashboardPanel[];
}

/** Panel types of Grafana's core, the ones a dashboard without plugins may use. */
const CORE_PANELS = new Set([
  'stat',
  'timeseries',
  'table',
  'bargauge',
  'gauge',
  'piechart',
  'barchart',
  'heatmap',
  'text',
  'row',
  'state-timeline',
  'status-history',
]);

const isInt = (v: unknown): v is number => Number.isInteger(v);

/** What is wrong with the dashboard's structure (empty when nothing). */
export function checkDashboard(d: Dashboard): string[] {
  const problems: string[] = [];
  if (typeof d.title !== 'string' || !d.title) problems.push('no title');
  if (typeof d.uid !== 'string' || !/^[a-zA-Z0-9_-]{1,40}$/.test(d.uid))
    problems.push('uid must be 1-40 letters, digits, - or _');
  if (!isInt(d.schemaVersion) || d.schemaVersion < 36)
    problems.push('schemaVersion must be an integer, 36 or newer');
  if (typeof d.time?.from !== 'string' || typeof d.time?.to !== 'string')
    problems.push('time.from and time.to are needed');
  const vars = d.templating?.list ?? [];
  const datasourceVar = vars.find(
    v => v.type === 'datasource' && v.query === 'prometheus',
  );
  if (!datasourceVar)
    problems.push('templating needs a datasource variable of type prometheus');
  const varNames = new Set(vars.map(v => v.name));
  const dsRef = `\${${String(datasourceVar?.name)}}`;

  const panels = d.panels ?? [];
  if (panels.length === 0) problems.push('no panels');
  const ids = new Set<unknown>();
  const cells = new Map<string, unknown>();
  for (const p of panels) {
    const name = `panel ${String(p.id)} (${String(p.title)})`;
    if (!isInt(p.id) || p.id < 1) problems.push(`${name}: id`);
    if (ids.has(p.id)) problems.push(`${name}: id used twice`);
    ids.add(p.id);
    if (typeof p.type !== 'string' || !CORE_PANELS.has(p.type))
      problems.push(`${name}: type ${String(p.type)}`);
    if (typeof p.title !== 'string' || !p.title)
      problems.push(`${name}: title`);
    const g = p.gridPos ?? {};
    if (
      ![g.h, g.w, g.x, g.y].every(isInt) ||
      (g.w as number) < 1 ||
      (g.h as number) < 1 ||
      (g.x as number) < 0 ||
      (g.y as number) < 0 ||
      (g.x as number) + (g.w as number) > 24
    ) {
      problems.push(`${name}: gridPos must be integers within 24 columns`);
    } else {
      // Overlapping panels are moved by Grafana on load: a sign of a broken layout.
      for (let y = g.y as number; y < (g.y as number) + (g.h as number); y++)
        for (
          let x = g.x as number;
          x < (g.x as number) + (g.w as number);
          x++
        ) {
          const at = `${x},${y}`;
          if (cells.has(at))
            problems.push(`${name}: overlaps panel ${String(cells.get(at))}`);
          cells.set(at, p.id);
        }
    }
    if (p.type === 'row' || p.type === 'text') continue;
    if (p.datasource?.uid !== dsRef)
      problems.push(`${name}: datasource must be ${dsRef}`);
    const targets = p.targets ?? [];
    if (targets.length === 0) problems.push(`${name}: no targets`);
    const refIds = new Set<unknown>();
    for (const t of targets) {
      if (typeof t.refId !== 'string' || refIds.has(t.refId))
        problems.push(`${name}: refIds must be unique strings`);
      refIds.add(t.refId);
      if (typeof t.expr !== 'string' || !t.expr.trim())
        problems.push(`${name}: target ${String(t.refId)} has no expr`);
      if (t.datasource && t.datasource.uid !== dsRef)
        problems.push(`${name}: target datasource must be ${dsRef}`);
      for (const [, v] of String(t.expr).matchAll(/\$(?!__)\{?(\w+)/g)) {
        if (!varNames.has(v))
          problems.push(`${name}: variable $${v} is not defined`);
      }
    }
  }
  // Cells a panel overlaps are reported once per cell; once per pair is enough.
  return [...new Set(problems)];
}

/** Every PromQL expression: the panels' targets and the query variables. */
export function dashboardExprs(
  d: Dashboard,
): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels ?? []) {
    for (const t of p.targets ?? []) {
      if (typeof t.expr === 'string')
        out.push({ where: `panel "${String(p.title)}"`, expr: t.expr });
    }
  }
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q =
      typeof v.query === 'string'
        ? v.query
        : (v.query as { query?: string } | undefined)?.query;
    // label_values(<metric or selector>, <label>) reads the metric of its first argument.
    const m = /^label_values\((.*),\s*\w+\)$/.exec(q ?? '');
    if (m) out.push({ where: `variable $${String(v.name)}`, expr: m[1] });
  }
  return out;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
  'inf',
  'nan',
  'atan2',
]);

/**
 * The metric names a PromQL expression reads: what is left once strings, label
 * matchers, ranges, grouping clauses, variables and function calls are taken out.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(
      /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g,
      ' ',
    )
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = bare.slice(m.index! + m[0].length);
    if (/^\s*\(/.test(rest)) continue; // a function
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    // The exponent of a number such as 1e3.
    if (/\d$/.test(bare.slice(0, m.index!))) continue;
    names.add(m[0]);
  }
  return [...names];
}

/**
 * The series names a text exposition has, from its `# TYPE` lines: a histogram's
 * `_bucket`, `_sum` and `_count`, a summary's `_sum` and `_count`.
 */
export function exportedNames(exposition: string): {
  families: string[];
  series: Set<string>;
} {
  const families: string[] = [];
  const series = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    families.push(name);
    series.add(name);
    if (type === 'histogram') series.add(`${name}_bucket`);
    if (type === 'histogram' || type === 'summary') {
      series.add(`${name}_sum`);
      series.add(`${name}_count`);
    }
  }
  return { families, series };
}
