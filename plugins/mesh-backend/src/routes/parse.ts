import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * Validates a request part against its schema, or throws an InputError (a 400 in
 * Backstage's error format) that names the field at fault: `Invalid <what>: <path>: <why>`.
 */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `Invalid ${what}: ${
        issue.path.length ? `${issue.path.join('.')}: ` : ''
      }${issue.message}`,
    );
  }
  return result.data;
}
