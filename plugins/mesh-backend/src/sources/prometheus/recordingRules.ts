import { MetricQuery, PromQuerier } from '@mesh-readiness/plugin-mesh-node';
import { PromMetadataQuerier, RecordingRuleInfo } from './PrometheusClient';

/** `auto`: use the rules Prometheus has; `true`: assume they all exist; `false`: never. */
export type RecordingRulesMode = 'auto' | boolean;

export interface RuleDetection {
  /** Entry id → the recorded metric to read. */
  use: Map<string, string>;
  /** Why rules found under a catalog name are not read, for the problems list. */
  unusable: string[];
  /** Requests the detection sent. */
  requests: number;
}

/** PromQL as Prometheus prints it, without the whitespace differences. */
function normalise(promql: string): string {
  return promql.replace(/\s+/g, '');
}

/**
 * Which catalog entries can be read from recording rules at this window. With the
 * rules API (the built-in client), a rule counts when it is healthy and its expression
 * is the catalog's, so a rule file left behind by an older catalog is never read.
 * Without it, one instant query asks which recorded metrics have samples now.
 */
export async function detectRecordingRules(
  querier: PromQuerier & PromMetadataQuerier,
  entries: Array<[string, MetricQuery<unknown>]>,
  window: string,
  mode: RecordingRulesMode,
  at: Date,
  windowMs: number,
  signal?: AbortSignal,
): Promise<RuleDetection> {
  const wanted = new Map<string, { record: string; expr: string }>();
  for (const [id, entry] of entries) {
    if (entry.recordingRule) {
      wanted.set(id, {
        record: entry.recordingRule(window),
        expr: entry.promql(window, ''),
      });
    }
  }
  const none: RuleDetection = { use: new Map(), unusable: [], requests: 0 };
  if (mode === false || wanted.size === 0) return none;
  if (mode === true) {
    return {
      ...none,
      use: new Map([...wanted].map(([id, w]) => [id, w.record])),
    };
  }
  const use = new Map<string, string>();
  const unusable: string[] = [];
  try {
    if (querier.recordingRules) {
      const rules = new Map<string, RecordingRuleInfo>();
      for (const rule of await querier.recordingRules(signal)) {
        if (rule.health === 'ok') rules.set(rule.name, rule);
      }
      for (const [id, w] of wanted) {
        const rule = rules.get(w.record);
        if (!rule) continue;
        if (normalise(rule.query) !== normalise(w.expr)) {
          unusable.push(
            `recording rule ${w.record} is not the catalog's expression (an older rule file?): raw series used instead`,
          );
        } else if ((rule.intervalSeconds ?? 0) * 1000 > windowMs) {
          // Its samples could be older than the window they average over.
          unusable.push(
            `recording rule ${w.record} is evaluated every ${rule.intervalSeconds}s, longer than the ${window} window: raw series used instead`,
          );
        } else {
          use.set(id, w.record);
        }
      }
    } else {
      const names = [...wanted.values()].map(w => w.record);
      const result = await querier.instantQuery(
        `group by (__name__) ({__name__=~"${names.join('|')}"})`,
        at,
        signal,
      );
      const present = new Set(result.samples.map(s => s.labels.__name__));
      for (const [id, w] of wanted) {
        if (present.has(w.record)) use.set(id, w.record);
      }
    }
  } catch {
    // No rules API behind this querier (a proxy, an older Thanos): raw series it is.
    return { ...none, requests: 1 };
  }
  return { use, unusable, requests: 1 };
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
export function durationMs(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(n) * UNIT_MS[unit];
  }
  return total;
}
