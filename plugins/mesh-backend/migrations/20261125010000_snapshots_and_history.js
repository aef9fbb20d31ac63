// @ts-check

/**
 * Cluster snapshots, so that any replica can build a report from every cluster's latest
 * data (each cluster is collected by its own scheduled task, possibly elsewhere), and
 * daily history points per entity for trends and scorecards.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_snapshots', table => {
    table.comment('Latest collected snapshot of each cluster (gzipped JSON)');
    table.string('cluster', 255).primary().notNullable();
    table.binary('snapshot').notNullable();
    table.string('fetched_at', 40).notNullable();
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('mesh_history', table => {
    table.comment('Daily readiness score and check statuses per entity');
    table.string('entity_ref', 255).notNullable();
    table.string('day', 10).notNullable();
    table.integer('score').notNullable();
    table.string('level', 32).notNullable();
    table.text('statuses').notNullable();
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
    table.primary(['entity_ref', 'day']);
    table.index('day', 'mesh_history_day_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_history');
  await knex.schema.dropTable('mesh_snapshots');
};
