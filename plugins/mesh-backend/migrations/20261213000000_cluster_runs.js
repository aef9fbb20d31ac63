// @ts-check

/**
 * One row per cluster: how many collections of it started and finished, and how the
 * last one ended. A replica that serves reads but does not collect (mesh.collector
 * .enabled: false) triggers a cluster's task and waits here for a collecting replica
 * to finish a run, since the scheduler tells only the replica that ran a task.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_cluster_runs', table => {
    table.comment(
      'Collection runs per cluster, for refreshes made on other replicas',
    );
    table.string('cluster', 255).primary().notNullable();
    table.integer('started_runs').notNullable().defaultTo(0);
    table.integer('finished_runs').notNullable().defaultTo(0);
    table.string('started_at', 40).nullable();
    table.string('finished_at', 40).nullable();
    table.boolean('ok').nullable();
    table.text('error').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_cluster_runs');
};
