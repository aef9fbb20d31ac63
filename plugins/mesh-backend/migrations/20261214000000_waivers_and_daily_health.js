// @ts-check

/**
 * Waivers made through the API (`POST /v1/waivers`), next to the annotation waivers, and
 * the day's golden signals beside each entity's daily history point. Waiver rows are
 * never updated: a new waiver is a new row, a withdrawn one is deleted.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_waivers', table => {
    table.comment('Waivers of checks per catalog entity, made through the API');
    table.string('id', 36).primary().notNullable();
    /** The entity ref as the catalog spells it, for display. */
    table.string('entity_ref', 255).notNullable();
    /** Lower-cased, for matching: refs are case-insensitive. */
    table.string('entity_key', 255).notNullable();
    table.string('check_id', 100).notNullable();
    table.text('reason').notNullable();
    /** `YYYY-MM-DD`, the last day it applies; null: until withdrawn. */
    table.string('until', 10).nullable();
    table.string('created_by', 255).notNullable();
    table.string('created_at', 40).notNullable();
    table.index(['entity_key'], 'mesh_waivers_entity_idx');
    table.index(['until'], 'mesh_waivers_until_idx');
  });
  await knex.schema.alterTable('mesh_history', table => {
    /** JSON `HistoryHealth`; null on days recorded before it was kept. */
    table.text('health').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('mesh_history', table => {
    table.dropColumn('health');
  });
  await knex.schema.dropTable('mesh_waivers');
};
