import {
  ReadinessLevel,
  RollupHistoryPoint,
} from '@mesh-readiness/plugin-mesh-common';

/** The periods the trend offers, in days. */
export const TREND_DAYS = [7, 30, 90] as const;
export type TrendDays = (typeof TREND_DAYS)[number];
export const DEFAULT_TREND_DAYS: TrendDays = 30;

/** Levels from the most ready down: the order of the stacked bars and the legend. */
export const TREND_LEVELS: ReadinessLevel[] = [
  'production-ready',
  'almost-ready',
  'not-ready',
  'not-meshed',
  'unmapped',
];

/** One day of the chart: the average score and the entities at each level. */
export interface TrendRow {
  day: string;
  entities: number;
  averageScore: number;
  /** Entities per level, by level name. */
  counts: Record<string, number>;
}

/**
 * History points carry each level as a share of the day's entities (as roll-ups do);
 * the chart counts entities, so a share becomes a whole number of them.
 */
export function toTrendRows(points: RollupHistoryPoint[]): TrendRow[] {
  return points.map(p => ({
    day: p.day,
    entities: p.entities,
    averageScore: p.averageScore,
    counts: Object.fromEntries(
      Object.entries(p.levels).map(([level, share]) => [
        level,
        Math.round(share * p.entities),
      ]),
    ),
  }));
}

/** The levels to draw: the known ones in order, then any other a point names. */
export function trendLevels(rows: TrendRow[]): string[] {
  const extra = new Set<string>();
  for (const row of rows) {
    for (const level of Object.keys(row.counts)) {
      if (!(TREND_LEVELS as string[]).includes(level)) extra.add(level);
    }
  }
  return [...TREND_LEVELS, ...[...extra].sort()];
}

/** `2026-03-05` → `5 Mar`, read as a UTC day as the backend records it. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/**
 * What the chart shows, in a sentence: the text alternative a screen reader hears and
 * everyone reads under the chart.
 */
export function describeTrend(rows: TrendRow[]): string {
  if (rows.length === 0) return 'No history yet.';
  const first = rows[0];
  const last = rows[rows.length - 1];
  const ready = last.counts['production-ready'] ?? 0;
  const readiness = `${ready} of ${last.entities} ${
    last.entities === 1 ? 'entity was' : 'entities were'
  } production-ready`;
  if (rows.length === 1) {
    return `One day so far: on ${formatDay(
      last.day,
    )} the average score was ${last.averageScore.toFixed(1)} and ${readiness}.`;
  }
  return `From ${formatDay(first.day)} to ${formatDay(
    last.day,
  )} the average score went from ${first.averageScore.toFixed(
    1,
  )} to ${last.averageScore.toFixed(1)}; on ${formatDay(
    last.day,
  )} ${readiness}.`;
}
