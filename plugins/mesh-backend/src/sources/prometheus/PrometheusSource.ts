import {
  InstantQueryResult,
  MetricQuery,
  MetricSeries,
  MetricsData,
  MetricsSource,
  PromQuerier,
  QUERY_CATALOG,
  SourceFetchOptions,
} from '@mesh-readiness/plugin-mesh-node';
import { createLimiter } from '../limit';
import { abortReason, PromMetadataQuerier } from './PrometheusClient';
import {
  detectRecordingRules,
  durationMs,
  RecordingRulesMode,
} from './recordingRules';
import { planShards, shardMatcher, splitInRuns } from './shards';
import { setMaxListeners } from 'node:events';

export { shardMatcher } from './shards';
export type { RecordingRulesMode } from './recordingRules';

/** A PromQL range selector duration, e.g. `5m` or `1h30m`. */
export const PROMQL_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/**
 * Where the namespaces of the shards come from:
 * - `previous`: each entry's previous answer, its namespaces weighted by their samples,
 *   so each entry's shards are about equal; the first run asks for the label values
 *   once (or runs unsharded without that API);
 * - `labelValues`: one label-values request (an index lookup) every run, split into
 *   runs of namespaces in name order, the same for every entry.
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
  /** The namespace shards of each entry. */
  shards: Record<string, string[][]>;
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
  /** Samples per namespace of each entry's previous answer: its next shard weights. */
  private weights = new Map<string, Map<string, number>>();
  private entryMs: Record<string, number> = {};
  lastRun?: PrometheusRunInfo;

  constructor(private readonly options: PrometheusSourceOptions) {
    if (!PROMQL_DURATION.test(options.window)) {
      throw new Error(`invalid PromQL window '${options.window}'`);
    }
    this.description = options.description;
  }

  async fetch(
    at: Date = new Date(),
    options: SourceFetchOptions = {},
  ): Promise<MetricsData> {
    const { querier, window } = this.options;
    // One failed query fails the whole answer, so the moment one fails (or the caller
    // gives up) the others are cancelled: queued ones are never sent, and the ones in
    // flight release their connections instead of running on to their own timeouts.
    const run = new AbortController();
    // Every fetch of the run listens to this one signal: more than Node's default of 10.
    setMaxListeners(0, run.signal);
    const signal = options.signal
      ? AbortSignal.any([run.signal, options.signal])
      : run.signal;
    try {
      return await this.fetchAll(at, querier, window, signal, run);
    } finally {
      // Nothing of this run may outlive it (e.g. a shard still in flight).
      run.abort(new Error('the run has ended'));
    }
  }

  private async fetchAll(
    at: Date,
    querier: PrometheusSourceOptions['querier'],
    window: string,
    signal: AbortSignal,
    run: AbortController,
  ): Promise<MetricsData> {
    const catalog = this.options.catalog ?? QUERY_CATALOG;
    // Slowest entries of the previous run first, so they do not finish last.
    const entries = Object.entries(catalog).sort(
      ([a], [b]) => (this.entryMs[b] ?? 0) - (this.entryMs[a] ?? 0),
    );
    let queries = 0;
    // Rule detection and shard planning are independent: one round trip for both.
    const [rules, planOf] = await Promise.all([
      detectRecordingRules(
        querier,
        Object.entries(catalog),
        window,
        this.options.recordingRules ?? 'auto',
        at,
        durationMs(window),
        signal,
      ),
      this.planShards(at, signal).then(p => {
        queries += p.requests;
        return p.planOf;
      }),
    ]);
    queries += rules.requests;
    // Rule detection and planning fall back quietly on errors; an abort is not one.
    if (signal.aborted) throw abortReason(signal);

    const limit = createLimiter(this.options.concurrency);
    const started = performance.now();
    const entryMs: Record<string, number> = {};
    const weights = new Map<string, Map<string, number>>();
    const plans: Record<string, string[][]> = {};
    let parseMs = 0;
    const answers = new Map(
      await Promise.all(
        entries.map(async ([id, entry]) => {
          const record = rules.use.get(id);
          const plan = (plans[id] = planOf(id));
          const shardCount = Math.max(1, plan.length);
          const parts: InstantQueryResult[] = await Promise.all(
            Array.from({ length: shardCount }, (_, index) =>
              limit(async () => {
                // Given up while this query waited for its turn: never send it.
                if (signal.aborted) throw abortReason(signal);
                queries += 1;
                const matchers = shardMatcher(
                  entry.namespaceLabel,
                  plan,
                  index,
                );
                const promql = record
                  ? `${record}${matchers ? `{${matchers}}` : ''}`
                  : entry.promql(window, matchers);
                try {
                  return await querier.instantQuery(promql, at, signal);
                } catch (e) {
                  // Cancelled because of another failure (or the caller): that
                  // failure is the one the run reports, not this consequence.
                  if (signal.aborted) throw abortReason(signal);
                  const shard =
                    shardCount > 1 ? ` (shard ${index + 1}/${shardCount})` : '';
                  const error = new Error(
                    `catalog entry '${id}'${shard}: ${(e as Error).message}`,
                  );
                  run.abort(error);
                  throw error;
                }
              }),
            ),
          );
          entryMs[id] = Math.round(performance.now() - started);
          // Parsed as soon as its shards are in, so the raw samples of every entry are
          // never held at once.
          const t = performance.now();
          const samples =
            parts.length === 1
              ? parts[0].samples
              : parts.flatMap(p => p.samples);
          const perNamespace = new Map<string, number>();
          for (const sample of samples) {
            const ns = sample.labels[entry.namespaceLabel];
            if (ns) perNamespace.set(ns, (perNamespace.get(ns) ?? 0) + 1);
          }
          weights.set(id, perNamespace);
          const answer = {
            series: entry.parse(samples),
            dropped: parts.reduce((sum, p) => sum + p.dropped, 0),
            warnings: [...new Set(parts.flatMap(p => p.warnings))],
          };
          parseMs += performance.now() - t;
          return [id, answer] as const;
        }),
      ),
    );

    const problems: string[] = [];
    const series = {} as Record<string, unknown>;
    // Catalog order, whatever order the answers came in.
    for (const id of Object.keys(catalog)) {
      const { series: parsed, dropped, warnings } = answers.get(id)!;
      series[id] = parsed;
      if (dropped > 0) {
        problems.push(
          `${id}: ${dropped} samples with NaN or infinite values were ignored`,
        );
      }
      for (const warning of warnings) problems.push(`${id}: ${warning}`);
    }
    problems.push(...rules.unusable);
    this.weights = weights;
    this.entryMs = entryMs;
    const recordingRules = Object.keys(catalog).filter(id => rules.use.has(id));
    this.lastRun = {
      shards: plans,
      entryMs,
      recordingRules,
      parseMs: Math.round(parseMs),
    };
    return {
      window,
      series: series as MetricSeries,
      problems,
      queries,
      recordingRules,
    };
  }

  /** The shards of each entry for this run, and the requests it took to plan them. */
  private async planShards(
    at: Date,
    signal?: AbortSignal,
  ): Promise<{ planOf: (id: string) => string[][]; requests: number }> {
    const { shards, querier, concurrency } = this.options;
    if (shards?.length) return { planOf: () => shards, requests: 0 };
    const count = this.options.shardCount ?? concurrency;
    const none = { planOf: () => [], requests: 0 };
    if (count <= 1) return none;
    const strategy = this.options.shardNamespaces ?? 'previous';
    if (strategy === 'previous' && this.weights.size > 0) {
      const previous = this.weights;
      return {
        planOf: id => {
          const w = previous.get(id);
          return w ? planShards(w.keys(), count, w) : [];
        },
        requests: 0,
      };
    }
    if (!querier.labelValues) return none;
    try {
      const windowMs = durationMs(this.options.window);
      const namespaces = await querier.labelValues(
        NAMESPACE_LABEL,
        new Date(at.getTime() - windowMs),
        at,
        signal,
      );
      const plan = splitInRuns(namespaces, count);
      return { planOf: () => plan, requests: 1 };
    } catch {
      // Unsharded is slower, never wrong.
      return { ...none, requests: 1 };
    }
  }
}
