import knexFactory, { Knex } from 'knex';

/**
 * The databases the store must work on: SQLite in memory (the embedded default) and the
 * real PostgreSQL these machines run (MESH_TEST_POSTGRES_URL overrides where). A missing
 * PostgreSQL fails the suite; it is never skipped silently.
 */
export const TEST_DATABASES = ['sqlite', 'postgres'] as const;
export type TestDatabase = (typeof TEST_DATABASES)[number];

const POSTGRES_URL =
  process.env.MESH_TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(
  kind: TestDatabase,
): Promise<{ knex: Knex; dispose: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    return { knex, dispose: () => knex.destroy() };
  }
  const name = `mesh_test_${process.pid}_${Date.now()}_${Math.floor(
    Math.random() * 1e6,
  )}`;
  const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch (e) {
    await admin.destroy();
    throw new Error(
      `PostgreSQL at ${POSTGRES_URL} is required by this test: ${
        (e as Error).message
      }`,
    );
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  return {
    knex,
    dispose: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}
