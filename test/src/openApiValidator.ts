import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import { parse } from 'yaml';

/**
 * The mesh backend's OpenAPI document (`src/schema/openapi.yaml`), read as data, and a
 * validator of real responses against it. The plugin's own test
 * (`src/schema/openapi.test.ts`) holds the router and its zod schemas to the same file.
 */

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type HttpMethod = (typeof HTTP_METHODS)[number];

interface OpenApiMediaTypes {
  [contentType: string]: { schema?: object };
}

interface OpenApiResponse {
  description: string;
  content?: OpenApiMediaTypes;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Partial<
      Record<
        HttpMethod,
        { responses: Record<string, OpenApiResponse | { $ref: string }> }
      >
    >
  >;
  components: { schemas: Record<string, object> };
}

export function loadOpenApiSpec(): OpenApiDocument {
  const file = resolvePackagePath(
    '@mesh-readiness/plugin-mesh-backend',
    'src/schema/openapi.yaml',
  );
  return parse(fs.readFileSync(file, 'utf8')) as OpenApiDocument;
}

/** Every operation of the spec as `METHOD /path/{param}`. */
export function specOperations(spec: OpenApiDocument): string[] {
  return Object.entries(spec.paths).flatMap(([p, item]) =>
    HTTP_METHODS.filter(m => item[m]).map(m => `${m.toUpperCase()} ${p}`),
  );
}

function deref<T>(spec: OpenApiDocument, value: T | { $ref: string }): T {
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref !== 'string') return value as T;
  let node: any = spec;
  for (const part of ref.replace(/^#\//, '').split('/')) node = node?.[part];
  if (node === undefined) throw new Error(`Unresolved $ref ${ref}`);
  return node as T;
}

const SCHEMA_ID = 'mesh-openapi';

/** The component schemas as one JSON-schema document, refs pointing into `$defs`. */
function componentsAsJsonSchema(spec: OpenApiDocument): object {
  const rewritten = JSON.parse(
    JSON.stringify(spec.components.schemas).replace(
      /"#\/components\/schemas\//g,
      '"#/$defs/',
    ),
  );
  return { $id: SCHEMA_ID, $defs: rewritten };
}

export interface ResponseCheck {
  method: string;
  /** The spec's path template, e.g. `/v1/reports/{kind}/{namespace}/{name}`. */
  path: string;
  status: number;
  /** The response's `Content-Type`, parameters ignored. */
  contentType?: string;
  body: unknown;
}

/**
 * Checks a response against the spec: the status must be declared for the operation,
 * the content type must be one it lists, and a JSON body must match its schema.
 * Returns the problems, empty when the response conforms.
 */
export function createResponseValidator(spec: OpenApiDocument) {
  // OpenAPI 3.0's `nullable` is understood by Ajv; strict mode catches typos in keywords.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  ajv.addSchema(componentsAsJsonSchema(spec));
  const compiled = new Map<string, ValidateFunction>();

  const compile = (key: string, schema: object): ValidateFunction => {
    let fn = compiled.get(key);
    if (!fn) {
      const json = JSON.parse(
        JSON.stringify(schema).replace(
          /"#\/components\/schemas\//g,
          `"${SCHEMA_ID}#/$defs/`,
        ),
      );
      fn = ajv.compile(json);
      compiled.set(key, fn);
    }
    return fn;
  };

  return (check: ResponseCheck): string[] => {
    const where = `${check.method.toUpperCase()} ${check.path} → ${
      check.status
    }`;
    const operation =
      spec.paths[check.path]?.[check.method.toLowerCase() as HttpMethod];
    if (!operation) return [`${where}: no such operation in the spec`];
    const declared = operation.responses[String(check.status)];
    if (!declared) return [`${where}: status not declared in the spec`];
    const response = deref<OpenApiResponse>(spec, declared);
    if (!response.content) {
      return check.body === undefined ||
        check.body === '' ||
        (typeof check.body === 'object' &&
          check.body !== null &&
          Object.keys(check.body).length === 0)
        ? []
        : [`${where}: the spec declares no body, got one`];
    }
    const contentType = check.contentType?.split(';')[0].trim();
    const media = contentType ? response.content[contentType] : undefined;
    if (!media) {
      return [
        `${where}: content type ${
          contentType ?? '(none)'
        } not among ${Object.keys(response.content).join(', ')}`,
      ];
    }
    if (!media.schema || contentType !== 'application/json') {
      return typeof check.body === 'string' || Buffer.isBuffer(check.body)
        ? []
        : [`${where}: expected a text body`];
    }
    const validate = compile(
      `${check.method} ${check.path} ${check.status}`,
      media.schema,
    );
    if (validate(check.body)) return [];
    return (validate.errors ?? []).map(
      e =>
        `${where}: ${e.instancePath || '(body)'} ${e.message}${
          e.params && 'additionalProperty' in e.params
            ? ` '${String(e.params.additionalProperty)}'`
            : ''
        }`,
    );
  };
}

/**
 * The spec's path template that a request path matches, e.g.
 * `/v1/reports/component/default/checkout` → `/v1/reports/{kind}/{namespace}/{name}`.
 * Literal paths win over templated ones, as in the router.
 */
export function matchSpecPath(
  spec: OpenApiDocument,
  requestPath: string,
): string | undefined {
  const pathOnly = requestPath.split('?')[0];
  const templates = Object.keys(spec.paths).sort(
    (a, b) => (a.includes('{') ? 1 : 0) - (b.includes('{') ? 1 : 0),
  );
  return templates.find(t =>
    new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathOnly),
  );
}
