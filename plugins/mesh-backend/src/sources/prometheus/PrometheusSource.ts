import {
  InstantQueryResult,
  MetricQuery,
  MetricSeries,
  MetricsData,
  MetricsSource,
  PromQuerier,
  QUERY_CATALOG,
} from '@mesh-readiness/plugin-mesh-node';
import { createLimiter } from '../limit';
import { PromMetadataQuerier } from './PrometheusClient';
import { detectRecordingRules, RecordingRulesMode } from './recordingRules';
import { planShards, shardMatcher } from './shards';

export { shardMatcher } from './shards';
export type { RecordingRulesMode } from './recordingRules';

/** A PromQL range selector duration, e.g. `5m` or `1h30m`. */
export const PROMQL_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/**
 * Where the namespaces of the shards come from:
 * - `previous`: the namespaces (and sizes) of this source's previous answer; the first
 *   run asks for the label values once, or runs unsharded without that API;
 * - `labelValues`: one label-values request (an index lookup) every run.
 */
export type ShardNamespaces = 'previous' | 'labelValues';

export interface PrometheusSourceOptions {
  querier: PromQuerier & PromMetadataQuerier;
  /** For messages: where the queries go. */
  description: string;
  window: string;
  /** Queries in flight at once. */
  concurrency: number;
  /**
   * Shards per catalog entry, at most: each adds a namespace matcher to the entry's
   * selectors, so Prometheus evaluates one entry on several cores. 1: no sharding.
   * Defaults to `concurrency`.
   */
  shardCount?: number;
  shardNamespaces?: ShardNamespaces;
  /**
   * Fixed namespace shards instead of planned ones (the last shard also takes every
   * namespace the others do not list).
   */
  shards?: string[][];
  /** Read entries from the catalog's recording rules. Defaults to `auto`. */
  recordingRules?: RecordingRulesMode;
  /** The catalog to run; the built-in one by default. */
  catalog?: Record<string, MetricQuery<unknown>>;
}

/** What the last run did, for logs and the benchmark. */
export interface PrometheusRunInfo {
  shards: string[][];
  /** Milliseconds from dispatch to answer, per entry (all its shards). */
  entryMs: Record<string, number>;
  recordingRules: string[];
  /** Milliseconds spent turning the samples into the catalog's series. */
  parseMs: number;
}

/** The label that names the namespaces the label-values request asks for. */
const NAMESPACE_LABEL = 'namespace';

/**
 * Runs the query catalog against one cluster's Prometheus: every entry, each split
 * into namespace shards, with a bounded number of requests in flight. The number of
 * requests depends on the catalog and the shard count, never on the number of services.
 */
export class PrometheusSource implements MetricsSource {
  readonly description: string;
  /** Samples per namespace in the previous answer: the next run's shard weights. */
  private weights = new Map<string, number>();
  private entryMs: Record<string, number> = {};
  lastRun?: PrometheusRunInfo;

  constructor(private readonly options: PrometheusSourceOptions) {
    if (!PROMQL_DURATION.test(options.window)) {
      throw new Error(`invalid PromQL window '${options.window}'`);
    }
    this.description = options.description;
  }

  async fetch(at: Date = new Date()): Promise<MetricsData> {
    const { querier, window } = this.options;
    const catalog = this.options.catalog ?? QUERY_CATALOG;
    // Slowest entries of the previous run first, so they do not finish last.
    const entries = Object.entries(catalog).sort(
      ([a], [b]) => (this.entryMs[b] ?? 0) - (this.entryMs[a] ?? 0),
    );
    let queries = 0;
    // Rule detection and shard planning are independent: one round trip for both.
    const [rules, plan] = await Promise.all([
      detectRecordingRules(
        querier,
        entries,
        window,
        this.options.recordingRules ?? 'auto',
        at,
      ),
      this.planShards(at).then(p => {
        queries += p.requests;
        return p.plan;
      }),
    ]);
    queries += rules.requests;
    const shardCount = Math.max(1, plan.length);

    const limit = createLimiter(this.options.concurrency);
    const started = performance.now();
    const entryMs: Record<string, number> = {};
    const answers = await Promise.all(
      entries.map(async ([id, entry]) => {
        const record = rules.use.get(id);
        const parts: InstantQueryResult[] = await Promise.all(
          Array.from({ length: shardCount }, (_, index) =>
            limit(async () => {
              queries += 1;
              const matchers = shardMatcher(entry.namespaceLabel, plan, index);
              const promql = record
                ? `${record}${matchers ? `{${matchers}}` : ''}`
                : entry.promql(window, matchers);
              try {
                return await querier.instantQuery(promql, at);
              } catch (e) {
                const shard =
                  shardCount > 1 ? ` (shard ${index + 1}/${shardCount})` : '';
                throw new Error(
                  `catalog entry '${id}'${shard}: ${(e as Error).message}`,
                );
              }
            }),
          ),
        );
        entryMs[id] = Math.round(performance.now() - started);
        return { id, entry, parts };
      }),
    );

    const problems: string[] = [];
    const series = {} as Record<string, unknown>;
    const weights = new Map<string, number>();
    const parseStarted = performance.now();
    for (const { id, entry, parts } of answers) {
      const samples =
        parts.length === 1 ? parts[0].samples : parts.flatMap(p => p.samples);
      const dropped = parts.reduce((sum, p) => sum + p.dropped, 0);
      if (dropped > 0) {
        problems.push(
          `${id}: ${dropped} samples with NaN or infinite values were ignored`,
        );
      }
      for (const warning of new Set(parts.flatMap(p => p.warnings))) {
        problems.push(`${id}: ${warning}`);
      }
      for (const s of samples) {
        const ns = s.labels[entry.namespaceLabel];
        if (ns) weights.set(ns, (weights.get(ns) ?? 0) + 1);
      }
      series[id] = entry.parse(samples);
    }
    for (const record of rules.mismatched) {
      problems.push(
        `recording rule ${record} is not the catalog's expression (an older rule file?): raw series used instead`,
      );
    }
    this.weights = weights;
    this.entryMs = entryMs;
    const recordingRules = entries
      .map(([id]) => id)
      .filter(id => rules.use.has(id));
    this.lastRun = {
      shards: plan,
      entryMs,
      recordingRules,
      parseMs: Math.round(performance.now() - parseStarted),
    };
    return {
      window,
      series: series as MetricSeries,
      problems,
      queries,
      recordingRules,
    };
  }

  private async planShards(
    at: Date,
  ): Promise<{ plan: string[][]; requests: number }> {
    const { shards, querier, concurrency } = this.options;
    if (shards?.length) return { plan: shards, requests: 0 };
    const count = this.options.shardCount ?? concurrency;
    if (count <= 1) return { plan: [], requests: 0 };
    const strategy = this.options.shardNamespaces ?? 'previous';
    if (strategy === 'previous' && this.weights.size > 0) {
      return {
        plan: planShards(this.weights.keys(), count, this.weights),
        requests: 0,
      };
    }
    if (!querier.labelValues) return { plan: [], requests: 0 };
    try {
      const windowMs = durationMs(this.options.window);
      const namespaces = await querier.labelValues(
        NAMESPACE_LABEL,
        new Date(at.getTime() - windowMs),
        at,
      );
      return { plan: planShards(namespaces, count), requests: 1 };
    } catch {
      // Unsharded is slower, never wrong.
      return { plan: [], requests: 1 };
    }
  }
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Milliseconds of a PromQL duration such as `1h30m`. */
function durationMs(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(n) * UNIT_MS[unit];
  }
  return total;
}
