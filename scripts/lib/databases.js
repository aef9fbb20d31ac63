// @ts-check
/**
 * The databases the store must work on in tests: SQLite in memory (the embedded default)
 * and the real PostgreSQL these machines run (MESH_TEST_POSTGRES_URL overrides where).
 * A missing PostgreSQL fails the test that asked for it; it is never skipped silently.
 */
const TEST_DATABASES = ['sqlite', 'postgres'];

const POSTGRES_URL =
  process.env.MESH_TEST_POSTGRES_URL ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, empty database. With PostgreSQL each call creates its own database, so
 * parallel suites never see each other's rows; `dispose` drops it.
 * @param {'sqlite' | 'postgres'} kind
 */
async function createTestDatabase(kind) {
  const knexFactory = require('knex');
  if (kind === 'sqlite') {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    return { knex, url: ':memory:', dispose: () => knex.destroy() };
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
        /** @type {Error} */ (e).message
      }`,
    );
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const connect = () =>
    knexFactory({ client: 'pg', connection: url.toString() });
  const knex = connect();
  const extra = [];
  return {
    knex,
    url: url.toString(),
    /** Another connection pool to the same database, as a second backend replica has. */
    connect: () => {
      const k = connect();
      extra.push(k);
      return k;
    },
    dispose: async () => {
      await Promise.all([knex, ...extra].map(k => k.destroy()));
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}

module.exports = { TEST_DATABASES, createTestDatabase };
