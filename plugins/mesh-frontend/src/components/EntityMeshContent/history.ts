import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_LATENCY_BUDGET_P99,
  HistoryHealth,
  HistoryPoint,
} from '@mesh-readiness/plugin-mesh-common';

export type SignalKey = 'rps' | 'successRate' | 'p50' | 'p95' | 'p99';

export interface SeriesPoint {
  day: string;
  value: number | null;
}

const READ: Record<SignalKey, (h: HistoryHealth) => number | null | undefined> =
  {
    rps: h => h.requestsPerSecond,
    successRate: h => h.successRate,
    p50: h => h.latencyMs?.p50,
    p95: h => h.latencyMs?.p95,
    p99: h => h.latencyMs?.p99,
  };

const finite = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v);

/**
 * One signal's daily values, oldest first. Days recorded before the figures were kept
 * (no `health`) and days without the figure are gaps (`null`), never zero.
 */
export function seriesOf(
  points: HistoryPoint[],
  key: SignalKey,
): SeriesPoint[] {
  return [...points]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map(p => {
      const v = p.health ? READ[key](p.health) : undefined;
      return { day: p.day, value: finite(v) ? v : null };
    });
}

/** Days of a series that have a value. */
export function valuedCount(series: SeriesPoint[]): number {
  return series.filter(p => p.value !== null).length;
}

/** The entity's p99 budget in ms (`servicemesh/latency-budget-p99-ms`), if a valid one. */
export function latencyBudgetMs(entity: Entity): number | undefined {
  const raw = entity.metadata.annotations?.[ANNOTATION_LATENCY_BUDGET_P99];
  if (raw === undefined || !raw.trim()) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The last day with golden-signal figures, and whether it is older than yesterday (UTC):
 * stale reports record no point, so a gap up to today means collections failed.
 */
export function historyFreshness(
  points: HistoryPoint[],
  now: number = Date.now(),
): { lastDay?: string; stale: boolean } {
  const days = points.filter(p => p.health).map(p => p.day);
  if (days.length === 0) return { stale: false };
  const lastDay = days.sort()[days.length - 1];
  const yesterday = new Date(now - DAY_MS).toISOString().slice(0, 10);
  return { lastDay, stale: lastDay < yesterday };
}
