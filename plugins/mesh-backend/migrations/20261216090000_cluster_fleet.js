// @ts-check

/**
 * The fleet figures of each cluster per collection run: its catalog entities' sidecars
 * (count, requested and used CPU and memory), double-instrumented series, the median
 * trace propagation ratio and the nodes its pods run on. One row per cluster and day:
 * the day's later runs overwrite it, so the table grows by clusters × days only, and
 * it is pruned with the history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_cluster_fleet', table => {
    table.comment(
      'Fleet figures of each cluster, per collection run (latest of the day)',
    );
    table.string('cluster', 255).notNullable();
    /** `YYYY-MM-DD` (UTC) of the run. */
    table.string('day', 10).notNullable();
    /** When the run collected the cluster (ISO). */
    table.string('run_at', 40).notNullable();
    table.integer('entities').notNullable().defaultTo(0);
    table.integer('sidecars').notNullable().defaultTo(0);
    table.integer('measured_sidecars').notNullable().defaultTo(0);
    table.double('requested_cpu_cores').notNullable().defaultTo(0);
    table.double('requested_memory_bytes').notNullable().defaultTo(0);
    table.double('used_cpu_cores').notNullable().defaultTo(0);
    table.double('used_memory_bytes').notNullable().defaultTo(0);
    table.integer('app_series').notNullable().defaultTo(0);
    table.double('app_series_bytes').notNullable().defaultTo(0);
    table.double('median_propagation_ratio').nullable();
    table.integer('propagation_measured').notNullable().defaultTo(0);
    /** Null when the run's pods named no node. */
    table.integer('nodes').nullable();
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
    table.primary(['cluster', 'day']);
    table.index(['day'], 'mesh_cluster_fleet_day_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_cluster_fleet');
};
