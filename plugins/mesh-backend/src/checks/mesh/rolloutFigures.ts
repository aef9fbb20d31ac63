/**
 * The before/after arithmetic of `rollout.comparison`, shared by its two bases: the
 * app's own HTTP metrics now and a week earlier, and (when the app exports none) the
 * mesh's view now against the entity's stored history from before the mesh date.
 */
import {
  AppHttpFigures,
  CheckSettings,
  EntityHealth,
  RolloutHistoryBaseline,
} from '@mesh-readiness/plugin-mesh-node';

export interface Figures {
  requestsPerSecond: number;
  /** 5xx share of the requests, in percent. */
  errorRatePercent: number;
  p99Ms?: number;
}

export interface Judgement {
  status: 'pass' | 'warn';
  reason: string;
  before: Figures;
  after: Figures;
  p99IncreasePercent?: number;
  errorRateIncreasePoints: number;
  regressions?: string[];
}

export const round = (v: number, digits = 2) => Number(v.toFixed(digits));

const withP99 = (p99Ms: number | null | undefined) =>
  typeof p99Ms === 'number' && Number.isFinite(p99Ms)
    ? { p99Ms: round(p99Ms, 1) }
    : {};

/** The app's figures of one period, or undefined when it served no requests. */
export function appFigures(
  row: AppHttpFigures | undefined,
): Figures | undefined {
  if (!row?.requestsPerSecond || row.requestsPerSecond <= 0) return undefined;
  return {
    requestsPerSecond: round(row.requestsPerSecond, 3),
    errorRatePercent: round(
      ((row.errorsPerSecond ?? 0) / row.requestsPerSecond) * 100,
    ),
    ...withP99(row.p99Ms),
  };
}

/** The mesh's golden signals now, or undefined when it saw no requests. */
export function meshFigures(health: EntityHealth): Figures | undefined {
  const rps = health.requestsPerSecond;
  if (rps === null || !(rps > 0) || health.successRate === null)
    return undefined;
  return {
    requestsPerSecond: round(rps, 3),
    errorRatePercent: round((1 - health.successRate) * 100),
    ...withP99(health.latencyMs.p99),
  };
}

/** The stored history's figures before the mesh date, or undefined without traffic. */
export function historyFigures(
  baseline: Extract<RolloutHistoryBaseline, { available: true }>,
): Figures | undefined {
  if (!(baseline.requestsPerSecond > 0) || baseline.successRate === null)
    return undefined;
  return {
    requestsPerSecond: round(baseline.requestsPerSecond, 3),
    errorRatePercent: round((1 - baseline.successRate) * 100),
    ...withP99(baseline.p99Ms),
  };
}

/** Before against after, within the configured bounds. */
export function judgeFigures(
  before: Figures,
  after: Figures,
  bounds: CheckSettings['rollout'],
): Judgement {
  const { maxP99IncreasePercent, maxErrorRateIncreasePoints } = bounds;
  const errorRateIncreasePoints = round(
    after.errorRatePercent - before.errorRatePercent,
  );
  const p99IncreasePercent =
    before.p99Ms && after.p99Ms !== undefined
      ? round(((after.p99Ms - before.p99Ms) / before.p99Ms) * 100, 1)
      : undefined;
  const regressions: string[] = [];
  if (
    p99IncreasePercent !== undefined &&
    p99IncreasePercent > maxP99IncreasePercent
  ) {
    regressions.push(
      `p99 ${before.p99Ms} ms → ${after.p99Ms} ms (+${p99IncreasePercent}%, bound ${maxP99IncreasePercent}%)`,
    );
  }
  if (errorRateIncreasePoints > maxErrorRateIncreasePoints) {
    regressions.push(
      `5xx rate ${before.errorRatePercent}% → ${after.errorRatePercent}% (+${errorRateIncreasePoints} points, bound ${maxErrorRateIncreasePoints})`,
    );
  }
  const figuresText = `p99 ${before.p99Ms ?? 'n/a'} → ${
    after.p99Ms ?? 'n/a'
  } ms, 5xx ${before.errorRatePercent}% → ${after.errorRatePercent}%, ${
    before.requestsPerSecond
  } → ${after.requestsPerSecond} req/s`;
  return {
    status: regressions.length > 0 ? 'warn' : 'pass',
    reason:
      regressions.length > 0
        ? regressions.join('; ')
        : `in line: ${figuresText}${
            p99IncreasePercent === undefined
              ? ' (no latency on both sides: judged on the error rate)'
              : ''
          }`,
    before,
    after,
    errorRateIncreasePoints,
    ...(p99IncreasePercent !== undefined ? { p99IncreasePercent } : {}),
    ...(regressions.length > 0 ? { regressions } : {}),
  };
}
