import { ScorecardRow } from '@mesh-readiness/plugin-mesh-common';
import { Gauge, Registry } from 'prom-client';
import { CHECK_STATUSES, isCheckStatus } from './statuses';

export interface EntityMetricsOptions {
  /** The rows being rendered (set by MeshExposition before it renders). */
  rows: () => ScorecardRow[];
  /**
   * The registered check ids. Only these get `mesh_check_status` series, so a check id
   * left in old rows (a removed adopter check) cannot grow the export.
   */
  checkIds: () => string[];
  /**
   * Also emit the 0 of every status that is not the current one (strict one-hot):
   * 6 series per check and entity instead of 1. Off by default (README explains).
   */
  checkStatusZeros?: boolean;
}

/**
 * The per-entity families that change only when reports are stored: the score and the
 * check statuses, nearly all of the export's series. MeshExposition renders them once
 * per change of the stored rows, not once per scrape.
 */
export function registerEntityMetrics(
  registry: Registry,
  options: EntityMetricsOptions,
): Gauge[] {
  const score = new Gauge({
    name: 'mesh_readiness_score',
    help: "Readiness score (0-100) of the entity's latest stored report. namespace lists the entity's Kubernetes namespaces, sorted, comma-separated.",
    labelNames: ['entity', 'owner', 'system', 'namespace', 'provider'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of options.rows()) {
        this.set(
          {
            entity: r.entityRef,
            owner: r.owner,
            system: r.system,
            namespace: r.namespaces.join(','),
            provider: r.provider,
          },
          r.score,
        );
      }
    },
  });

  const status = new Gauge({
    name: 'mesh_check_status',
    help: 'Status of a readiness check for an entity: 1 for the current status (pass, warn, fail, unknown, not-applicable, waived).',
    labelNames: ['entity', 'check', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      const ids = options.checkIds();
      for (const r of options.rows()) {
        for (const check of ids) {
          const current = r.checks[check];
          if (!isCheckStatus(current)) continue;
          if (!options.checkStatusZeros) {
            this.set({ entity: r.entityRef, check, status: current }, 1);
            continue;
          }
          for (const s of CHECK_STATUSES) {
            this.set(
              { entity: r.entityRef, check, status: s },
              s === current ? 1 : 0,
            );
          }
        }
      }
    },
  });

  return [score, status];
}
