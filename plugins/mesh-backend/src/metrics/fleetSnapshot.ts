import {
  ScorecardRow,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { ScorecardStore } from '../store/ScorecardStore';

/** What the scrape-time gauges are computed from: the stored scorecard, whole fleet. */
export interface FleetSnapshot {
  rows: ScorecardRow[];
  summary: ScorecardSummary;
}

/** The two reads of the scorecard store the export needs (narrow, for tests). */
export type FleetReader = Pick<ScorecardStore, 'allRows' | 'summary'>;

/**
 * How long one read of the fleet serves scrapes. Shorter than any usual scrape interval,
 * so one Prometheus always sees the latest run, while two scraping it (an HA pair) or a
 * burst of manual curls cost one read. Report ages are computed at each scrape, not
 * cached, so they stay exact.
 */
export const FLEET_CACHE_TTL_MS = 10_000;

/**
 * The fleet's scorecard rows and summary, read at most once per TTL. Concurrent scrapes
 * share the read in flight; a failed read is not cached, so the next scrape retries.
 * The export is not filtered by catalog visibility: it is the fleet's view, for a
 * monitoring system, behind the plugin's auth (see README).
 */
export class CachedFleetSnapshot {
  private cached?: { at: number; value: Promise<FleetSnapshot> };

  constructor(
    private readonly reader: FleetReader,
    private readonly options: { ttlMs?: number; now?: () => number } = {},
  ) {}

  get(): Promise<FleetSnapshot> {
    const now = (this.options.now ?? Date.now)();
    const ttl = this.options.ttlMs ?? FLEET_CACHE_TTL_MS;
    if (this.cached && now - this.cached.at < ttl) return this.cached.value;
    const value = this.read();
    const entry = { at: now, value };
    this.cached = entry;
    value.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return value;
  }

  private async read(): Promise<FleetSnapshot> {
    const [rows, summary] = await Promise.all([
      this.reader.allRows({}, { sort: 'entityRef', order: 'asc' }, undefined),
      this.reader.summary({}, undefined),
    ]);
    return { rows, summary };
  }
}
