// @ts-check

/**
 * The fleet scorecard, served from the store without parsing a report per read:
 * - `mesh_scorecard`: one narrow row per entity (its latest report flattened, plus the
 *   catalog fields the collector knew: title, owner, system and the system's domain),
 *   written in the same transaction as the report. Indexed for the filters and sorts.
 * - `mesh_scorecard_placements`: where the entity runs, one row per cluster and
 *   namespace, so the namespace and cluster filters and roll-ups are indexed look-ups.
 * - `mesh_history_rollups`: a daily point per roll-up key (group, system, domain,
 *   namespace, cluster), for trends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_scorecard', table => {
    table.comment(
      'Latest readiness of each entity, flattened for the scorecard',
    );
    table.string('entity_ref', 255).primary().notNullable();
    // As the catalog spells it (entity_ref is lower-cased for look-ups).
    table.string('ref', 255).notNullable();
    table.string('kind', 63).notNullable().defaultTo('');
    table.string('title', 255).notNullable().defaultTo('');
    table.string('owner', 255).notNullable().defaultTo('');
    table.string('system', 255).notNullable().defaultTo('');
    table.string('domain', 255).notNullable().defaultTo('');
    // JSON arrays, for display; filters use mesh_scorecard_placements.
    table.text('namespaces').notNullable().defaultTo('[]');
    table.text('clusters').notNullable().defaultTo('[]');
    table.string('provider', 16).notNullable().defaultTo('none');
    table.string('data_plane', 16).notNullable().defaultTo('none');
    table.integer('score').notNullable().defaultTo(0);
    table.string('level', 32).notNullable().defaultTo('');
    // Levels in order of readiness, so `sort=level` means something.
    table.integer('level_rank').notNullable().defaultTo(0);
    table.integer('coverage_covered').nullable();
    table.integer('coverage_total').nullable();
    table.boolean('stale').notNullable().defaultTo(false);
    table.string('generated_at', 40).notNullable();
    // {checkId: status}, JSON.
    table.text('statuses').notNullable().defaultTo('{}');
    // Rollout: workloads whose every pod is meshed, and pods.
    table.integer('workloads').notNullable().defaultTo(0);
    table.integer('meshed_workloads').notNullable().defaultTo(0);
    table.integer('pods').notNullable().defaultTo(0);
    table.integer('meshed_pods').notNullable().defaultTo(0);
    // Fleet totals from the telemetry checks' evidence (see ScorecardStore.toRow).
    table.integer('sidecars').notNullable().defaultTo(0);
    table.integer('measured_sidecars').notNullable().defaultTo(0);
    table.double('requested_cpu_cores').notNullable().defaultTo(0);
    table.double('requested_memory_bytes').notNullable().defaultTo(0);
    table.double('used_cpu_cores').notNullable().defaultTo(0);
    table.double('used_memory_bytes').notNullable().defaultTo(0);
    table.integer('app_series').notNullable().defaultTo(0);
    table.double('app_series_bytes').notNullable().defaultTo(0);
    table.double('propagation_ratio').nullable();
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
    for (const column of [
      'title',
      'owner',
      'system',
      'domain',
      'provider',
      'score',
      'level',
      'level_rank',
      'generated_at',
    ]) {
      table.index(column, `mesh_scorecard_${column}_idx`);
    }
  });
  await knex.schema.createTable('mesh_scorecard_placements', table => {
    table.comment('Clusters and namespaces each scorecard entity runs in');
    table.string('entity_ref', 255).notNullable();
    table.string('cluster', 255).notNullable();
    table.string('namespace', 255).notNullable();
    table.integer('workloads').notNullable().defaultTo(0);
    table.integer('meshed_workloads').notNullable().defaultTo(0);
    table.integer('pods').notNullable().defaultTo(0);
    table.integer('meshed_pods').notNullable().defaultTo(0);
    table.primary(['entity_ref', 'cluster', 'namespace']);
    table.index(['namespace'], 'mesh_scorecard_placements_ns_idx');
    table.index(['cluster'], 'mesh_scorecard_placements_cluster_idx');
  });
  await knex.schema.createTable('mesh_history_rollups', table => {
    table.comment('Daily readiness per roll-up key (group, system, domain…)');
    table.string('by', 16).notNullable();
    table.string('key', 255).notNullable();
    table.string('day', 10).notNullable();
    table.integer('entities').notNullable();
    table.double('average_score').notNullable();
    table.text('levels').notNullable();
    table.integer('workloads').notNullable().defaultTo(0);
    table.integer('meshed_workloads').notNullable().defaultTo(0);
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
    table.primary(['by', 'key', 'day']);
    table.index('day', 'mesh_history_rollups_day_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_history_rollups');
  await knex.schema.dropTable('mesh_scorecard_placements');
  await knex.schema.dropTable('mesh_scorecard');
};
