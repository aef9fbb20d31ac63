// @ts-check

/**
 * Attestations: a person's word for a checklist line no machine can see, for an entity
 * or for the group or system whose entities it covers. Rows are never updated; a new
 * attestation is a new row, a withdrawn one is deleted.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('mesh_attestations', table => {
    table.comment('Attestations of human checklist lines per catalog entity');
    table.string('id', 36).primary().notNullable();
    /** The target entity ref as the catalog spells it, for display. */
    table.string('entity_ref', 255).notNullable();
    /** Lower-cased, for matching: refs are case-insensitive. */
    table.string('entity_key', 255).notNullable();
    table.string('check_id', 100).notNullable();
    table.text('note').notNullable();
    table.string('link', 2048).nullable();
    table.string('created_by', 255).notNullable();
    table.string('created_at', 40).notNullable();
    table.string('expires_at', 40).notNullable();
    table.index(['entity_key'], 'mesh_attestations_entity_idx');
    table.index(['expires_at'], 'mesh_attestations_expires_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('mesh_attestations');
};
