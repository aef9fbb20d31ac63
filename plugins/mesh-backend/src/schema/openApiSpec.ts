import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import { parse } from 'yaml';

/**
 * The OpenAPI document of the REST API (`openapi.yaml` beside this file) and what its
 * tests read of it. The router keeps validating requests with zod; the tests hold the
 * router, its zod schemas and the spec to one contract.
 */

export const OPENAPI_SPEC_PATH = resolvePackagePath(
  '@mesh-readiness/plugin-mesh-backend',
  'src/schema/openapi.yaml',
);

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The parts of OpenAPI 3.0 this module reads. */
export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  default?: unknown;
  [keyword: string]: unknown;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: OpenApiSchema;
}

interface OpenApiMediaTypes {
  [contentType: string]: { schema?: OpenApiSchema };
}

interface OpenApiResponse {
  description: string;
  content?: OpenApiMediaTypes;
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content: OpenApiMediaTypes };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
  security?: Array<Record<string, string[]>>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, OpenApiSchema>;
    parameters: Record<string, OpenApiParameter>;
    responses: Record<string, OpenApiResponse>;
  };
}

export function loadOpenApiSpec(): OpenApiDocument {
  return parse(fs.readFileSync(OPENAPI_SPEC_PATH, 'utf8')) as OpenApiDocument;
}

/** Every operation of the spec as `METHOD /path/{param}`. */
export function specOperations(spec: OpenApiDocument): string[] {
  return Object.entries(spec.paths).flatMap(([p, item]) =>
    HTTP_METHODS.filter(m => item[m]).map(m => `${m.toUpperCase()} ${p}`),
  );
}

/** Follows a local `$ref` (`#/components/...`) one level, or returns the value. */
export function deref<T extends object>(
  spec: OpenApiDocument,
  value: T | { $ref: string },
): T {
  if (!('$ref' in value) || typeof value.$ref !== 'string') return value as T;
  const parts = value.$ref.replace(/^#\//, '').split('/');
  let node: any = spec;
  for (const part of parts) node = node?.[part];
  if (node === undefined) throw new Error(`Unresolved $ref ${value.$ref}`);
  return node as T;
}

/** The operation's parameters with their `$ref`s resolved. */
export function operationParameters(
  spec: OpenApiDocument,
  operation: OpenApiOperation,
): OpenApiParameter[] {
  return (operation.parameters ?? []).map(p =>
    deref<OpenApiParameter>(spec, p),
  );
}

/** A schema with its own `$ref` resolved (not its children's). */
export function resolveSchema(
  spec: OpenApiDocument,
  schema: OpenApiSchema,
): OpenApiSchema {
  return deref<OpenApiSchema>(spec, schema as OpenApiSchema & { $ref: string });
}
