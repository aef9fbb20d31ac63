import type { Knex } from 'knex';
export const TEST_DATABASES: readonly ['sqlite', 'postgres'];
export type TestDatabase = 'sqlite' | 'postgres';
export function createTestDatabase(kind: TestDatabase): Promise<{
  knex: Knex;
  url: string;
  connect?: () => Knex;
  dispose: () => Promise<void>;
}>;
