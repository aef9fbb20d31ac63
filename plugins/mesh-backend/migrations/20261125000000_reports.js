// @ts-check

/**
 * The latest report per entity. Reports are stored whole, as JSON, because the API
 * serves them whole; the columns beside it exist for listing and filtering.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_reports', table => {
    table.comment('Latest mesh readiness report of each catalog entity');
    table.string('entity_ref', 255).primary().notNullable();
    table.text('report').notNullable();
    table.string('generated_at', 40).notNullable();
    table.boolean('stale').notNullable().defaultTo(false);
    table.integer('score').notNullable().defaultTo(0);
    table.timestamp('updated_at').notNullable().defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_reports');
};
