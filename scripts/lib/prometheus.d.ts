export function ensurePrometheus(options?: {
  install?: boolean;
  log?: (line: string) => void;
}): { prometheus: string; promtool: string };
export function startPrometheus(options?: {
  openMetrics?: string;
  openMetricsFile?: string;
  scrapeTargets?: string[];
  scrapeInterval?: string;
  /** Rule files Prometheus loads (`rule_files:`). */
  ruleFiles?: string[];
  /** The global `evaluation_interval` of those rules; Prometheus's default is 1m. */
  evaluationInterval?: string;
  /**
   * The global `query_log_file`: Prometheus appends every query it runs, one JSON object
   * a line with `params.query`. Unset: no query log.
   */
  queryLogFile?: string;
  /**
   * `--storage.tsdb.retention.time`; default `2d`. Backfilled blocks older than that
   * before the newest are deleted at start-up, so history further back needs more.
   */
  retentionTime?: string;
  port?: number;
  dataDir?: string;
  log?: (line: string) => void;
}): Promise<{
  url: string;
  port: number;
  dataDir: string;
  backfillMs: number;
  stop: () => Promise<void>;
}>;
export function freePort(): Promise<number>;
export function which(binary: string): string | undefined;
