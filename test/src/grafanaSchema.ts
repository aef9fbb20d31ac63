import { createGenerator } from 'ts-json-schema-generator';
import Ajv, { ValidateFunction } from 'ajv';
import path from 'node:path';

/**
 * Grafana's own dashboard schema, as a JSON Schema. `@grafana/schema` publishes the
 * dashboard model (generated from Grafana's CUE kind) as TypeScript types only; the
 * generator Backstage's config loader also uses turns its `Dashboard` type into a JSON
 * Schema, which ajv then applies. Interfaces come out closed (no properties beyond the
 * schema's), so a field Grafana does not define is an error, as a typo would be.
 */
export function grafanaDashboardValidator(): ValidateFunction {
  // The package exports no path to its .d.ts files, so they are found beside its
  // package.json.
  const root = path.dirname(require.resolve('@grafana/schema/package.json'));
  const schema = createGenerator({
    path: path.join(root, 'dist/types/raw/dashboard/x/types.gen.d.ts'),
    type: 'Dashboard',
    skipTypeCheck: true,
    expose: 'none',
    topRef: false,
    jsDoc: 'none',
  }).createSchema('Dashboard');
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/** The validator's errors, one line each, for a test to read. */
export function schemaErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map(
    e => `${e.instancePath || '/'} ${e.message}`,
  );
}
