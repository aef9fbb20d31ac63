import { ScorecardRow } from '@mesh-readiness/plugin-mesh-common';
import { createHash } from 'node:crypto';
import { Gauge, Registry } from 'prom-client';
import { registerEntityMetrics } from './entityMetrics';
import { registerFleetMetrics } from './fleetMetrics';
import { FleetSnapshot } from './fleetSnapshot';

/**
 * What the per-entity families' series depend on, hashed: equal hash, equal text. Not
 * `generatedAt`: a run that changes no score, status or label renders nothing again.
 */
function fingerprint(rows: ScorecardRow[], checkIds: string[]): string {
  const hash = createHash('sha256').update(checkIds.join(','));
  for (const r of rows) {
    hash.update(
      `\n${r.entityRef}\t${r.score}\t${r.owner}\t${r.system}\t${
        r.provider
      }\t${r.namespaces.join(',')}\t${JSON.stringify(r.checks)}`,
    );
  }
  return hash.digest('hex');
}

export interface MeshExpositionOptions {
  /** The plugin's registry for what changes between scrapes (the run metrics too). */
  live: Registry;
  /** The stored fleet, cached (CachedFleetSnapshot.get). */
  fleet: () => Promise<FleetSnapshot>;
  /** The registered check ids, in catalog order. */
  checkIds: () => string[];
  checkStatusZeros?: boolean;
  now?: () => number;
}

/**
 * The `/metrics` text, rendered by prom-client from two registries of the plugin's own.
 * `live` (run metrics, report ages, fleet totals) is rendered on every scrape.
 * `entities` (scores and check statuses: 24 of an entity's 25 series) is rendered only
 * when a score, a status or a label changed since its last render (at most once per
 * run), and its text is kept until then; its gauges are emptied after each render, so those
 * series stay in memory once, as text. Scrapes take turns: the gauges are filled from
 * the one fleet read of the scrape being rendered.
 */
export class MeshExposition {
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;
  private readonly entities = new Registry();
  private readonly entityGauges: Gauge[];
  private current?: FleetSnapshot;
  private rendered?: { key: string; text: string };
  /** The last read's fingerprint: a scrape served from the cached read skips hashing. */
  private hashed?: { snapshot: FleetSnapshot; key: string };
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: MeshExpositionOptions) {
    const rows = () => this.current?.rows ?? [];
    registerFleetMetrics(options.live, {
      fleet: () => this.current,
      checkIds: options.checkIds,
      now: options.now,
    });
    this.entityGauges = registerEntityMetrics(this.entities, {
      rows,
      checkIds: options.checkIds,
      checkStatusZeros: options.checkStatusZeros,
    });
  }

  metrics(): Promise<string> {
    const scrape = this.turn.then(() => this.render());
    this.turn = scrape.catch(() => undefined);
    return scrape;
  }

  /** Every metric name the export has, as its `# TYPE` lines name them. */
  names(): string[] {
    return [this.options.live, this.entities].flatMap(r =>
      r.getMetricsAsArray().map(m => (m as unknown as { name: string }).name),
    );
  }

  private fingerprintOf(snapshot: FleetSnapshot): string {
    if (this.hashed?.snapshot !== snapshot) {
      this.hashed = {
        snapshot,
        key: fingerprint(snapshot.rows, this.options.checkIds()),
      };
    }
    return this.hashed.key;
  }

  private async render(): Promise<string> {
    this.current = await this.options.fleet();
    try {
      const live = await this.options.live.metrics();
      const key = this.fingerprintOf(this.current);
      if (this.rendered?.key !== key) {
        try {
          this.rendered = { key, text: await this.entities.metrics() };
        } finally {
          for (const g of this.entityGauges) g.reset();
        }
      }
      return `${live}\n${this.rendered.text}`;
    } finally {
      this.current = undefined;
    }
  }
}
