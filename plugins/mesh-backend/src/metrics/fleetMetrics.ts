import { Gauge, Registry } from 'prom-client';
import { FleetSnapshot } from './fleetSnapshot';
import { CHECK_STATUSES, READINESS_LEVELS } from './statuses';

export interface FleetMetricsOptions {
  /** The fleet read of the scrape being rendered (MeshExposition holds it). */
  fleet: () => FleetSnapshot | undefined;
  /** The registered check ids (see EntityMetricsOptions). */
  checkIds: () => string[];
  now?: () => number;
}

/**
 * The gauges rendered on every scrape from the (cached) stored scorecard: report ages,
 * which move with the clock, and the fleet totals, which are few. Each is reset and
 * refilled, so an entity that left the catalog leaves the export with its row.
 */
export function registerFleetMetrics(
  registry: Registry,
  options: FleetMetricsOptions,
): void {
  const now = options.now ?? Date.now;
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, fleet: FleetSnapshot) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        const fleet = options.fleet();
        this.reset();
        if (fleet) fill(this, fleet);
      },
    });

  gauge(
    'mesh_report_age_seconds',
    "Seconds since the entity's latest stored report was generated.",
    ['entity'],
    (g, { rows }) => {
      const at = now();
      for (const r of rows) {
        const generated = Date.parse(r.generatedAt);
        if (Number.isNaN(generated)) continue;
        g.set({ entity: r.entityRef }, Math.max(0, (at - generated) / 1000));
      }
    },
  );

  gauge(
    'mesh_check_entities',
    'Entities per readiness check and status, over the whole fleet.',
    ['check', 'status'],
    (g, { rows }) => {
      for (const check of options.checkIds()) {
        const counts = new Map<string, number>(CHECK_STATUSES.map(s => [s, 0]));
        for (const r of rows) {
          const s = r.checks[check];
          if (s !== undefined && counts.has(s))
            counts.set(s, counts.get(s)! + 1);
        }
        for (const [status, n] of counts) g.set({ check, status }, n);
      }
    },
  );

  gauge(
    'mesh_entities',
    'Entities with a stored report, per readiness level.',
    ['level'],
    (g, { summary }) => {
      for (const level of READINESS_LEVELS)
        g.set({ level }, summary.levels[level] ?? 0);
    },
  );

  gauge(
    'mesh_entities_stale',
    'Entities whose latest report is stale (a source failed in its run).',
    [],
    (g, { summary }) => g.set(summary.stale),
  );

  gauge(
    'mesh_sidecars',
    "Sidecar proxies counted in the entities' workloads, over the fleet.",
    [],
    (g, { summary }) => g.set(summary.sidecars.count),
  );

  gauge(
    'mesh_sidecar_requests',
    'Resource requests of the sidecar proxies summed over the fleet: cpu in cores, memory in bytes (unit label, as kube-state-metrics).',
    ['resource', 'unit'],
    (g, { summary }) => {
      g.set(
        { resource: 'cpu', unit: 'core' },
        summary.sidecars.requested.cpuCores,
      );
      g.set(
        { resource: 'memory', unit: 'byte' },
        summary.sidecars.requested.memoryBytes,
      );
    },
  );
}
