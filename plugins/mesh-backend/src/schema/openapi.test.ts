import { mockErrorHandler } from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createRouter, RouterOptions } from '../router';
import { parseOrThrow } from '../routes/parse';
import {
  deref,
  HTTP_METHODS,
  loadOpenApiSpec,
  OpenApiSchema,
  operationParameters,
  resolveSchema,
  specOperations,
} from './openApiSpec';

// Every zod schema the routes validate with passes through parseOrThrow: recording the
// calls tells which schema reads which part of which route, without exporting them.
jest.mock('../routes/parse', () => {
  const actual = jest.requireActual('../routes/parse');
  return { parseOrThrow: jest.fn(actual.parseOrThrow) };
});

const spec = loadOpenApiSpec();

const UUID = '0b6b1f1e-5c1a-4a47-9a7e-1d2c3b4a5f60';
const CREATE_ATTESTATION = {
  entityRef: 'component:default/checkout',
  checkId: 'operations.runbook',
  note: 'drilled',
  link: 'https://wiki.example.com/runbook',
  expiresInDays: 30,
};
const CREATE_WAIVER = {
  entityRef: 'component:default/checkout',
  checkId: 'security.egress',
  reason: 'the gateway lands next quarter',
  until: '2026-09-30',
};

/**
 * Services that answer anything: these tests are about routing and validation, which
 * happen before a service is asked. Real answers are validated in test/src/openapi.test.ts.
 */
function stubOptions(): RouterOptions {
  const any = async () => ({} as any);
  const none = async () => undefined;
  return {
    service: {
      listChecks: () => [],
      getReportBody: async () => '{}',
      getHistory: any,
      refresh: any,
    } as any,
    access: {
      forRead: any,
      forRefresh: any,
      forManagingWaivers: any,
    } as any,
    scorecard: {
      checkIds: () => ['security.mtls', 'mesh.enrollment'],
      page: any,
      csv: async () => 'entityRef\n',
      summary: any,
      rollups: any,
      rollupHistory: any,
      fleetHistory: any,
    } as any,
    attestations: { list: any, create: any, delete: none } as any,
    waivers: { list: any, create: any, delete: none } as any,
    clusters: { list: any, history: any } as any,
    metrics: {
      allowUnauthenticated: true,
      exposition: { contentType: 'text/plain', metrics: async () => '' },
    },
  };
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  handle: { stack?: Layer[] };
  regexp: RegExp & { fast_slash?: boolean };
}

/** `METHOD /path/{param}` for every route the router and its nested routers register. */
function routerOperations(router: { stack: Layer[] }): string[] {
  const out: string[] = [];
  for (const layer of router.stack) {
    if (layer.route) {
      const path = layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all')
          out.push(`${method.toUpperCase()} ${path}`);
      }
    } else if (layer.handle.stack) {
      // The mesh router mounts its sub-routers at its root; a prefix would be lost here.
      expect(layer.regexp.fast_slash).toBe(true);
      out.push(...routerOperations(layer.handle as { stack: Layer[] }));
    }
  }
  return out;
}

/** One valid request per operation: every path, query and body part it validates. */
const VALID: Record<
  string,
  { url: string; body?: object; contentType?: string }
> = {
  'GET /health': { url: '/health' },
  'GET /metrics': { url: '/metrics' },
  'GET /v1/checks': { url: '/v1/checks' },
  'GET /v1/reports/{kind}/{namespace}/{name}': {
    url: '/v1/reports/component/default/checkout',
  },
  'GET /v1/history/{kind}/{namespace}/{name}': {
    url: '/v1/history/component/default/checkout?days=30',
  },
  'POST /v1/refresh': {
    url: '/v1/refresh',
    body: { entityRef: 'component:default/checkout' },
  },
  'GET /v1/scorecard': {
    url: '/v1/scorecard?owner=group:default/team-a&check=security.mtls:fail&sort=score&order=desc&limit=10',
  },
  'GET /v1/scorecard/summary': { url: '/v1/scorecard/summary?q=check' },
  'GET /v1/scorecard/rollups': { url: '/v1/scorecard/rollups?by=group' },
  'GET /v1/history/rollups': {
    url: '/v1/history/rollups?by=group&key=group:default/team-a&days=30',
  },
  'GET /v1/history/fleet': { url: '/v1/history/fleet?days=30' },
  'GET /v1/clusters': { url: '/v1/clusters' },
  'GET /v1/clusters/{cluster}/history': {
    url: '/v1/clusters/prod-eu/history?days=30',
  },
  'GET /v1/attestations': {
    url: '/v1/attestations?entityRef=component:default/checkout',
  },
  'POST /v1/attestations': {
    url: '/v1/attestations',
    body: CREATE_ATTESTATION,
  },
  'DELETE /v1/attestations/{id}': { url: `/v1/attestations/${UUID}` },
  'GET /v1/waivers': {
    url: '/v1/waivers?entityRef=component:default/checkout',
  },
  'POST /v1/waivers': { url: '/v1/waivers', body: CREATE_WAIVER },
  'DELETE /v1/waivers/{id}': { url: `/v1/waivers/${UUID}` },
};

/** One request per operation that its validation refuses (400). */
const INVALID: Record<string, { url: string; body?: object }> = {
  'GET /v1/reports/{kind}/{namespace}/{name}': {
    url: '/v1/reports/component/default/bad%20name',
  },
  'GET /v1/history/{kind}/{namespace}/{name}': {
    url: '/v1/history/component/default/checkout?days=0',
  },
  'POST /v1/refresh': { url: '/v1/refresh', body: { entity: 'x' } },
  'GET /v1/scorecard': { url: '/v1/scorecard?limit=501' },
  'GET /v1/scorecard/summary': { url: '/v1/scorecard/summary?sort=score' },
  'GET /v1/scorecard/rollups': { url: '/v1/scorecard/rollups?by=team' },
  'GET /v1/history/rollups': { url: '/v1/history/rollups?by=group' },
  'GET /v1/history/fleet': { url: '/v1/history/fleet?days=3651' },
  'GET /v1/clusters': { url: '/v1/clusters?days=7' },
  'GET /v1/clusters/{cluster}/history': {
    url: '/v1/clusters/Prod_EU/history',
  },
  'GET /v1/attestations': { url: '/v1/attestations' },
  'POST /v1/attestations': {
    url: '/v1/attestations',
    body: { ...CREATE_ATTESTATION, expiresInDays: 366 },
  },
  'DELETE /v1/attestations/{id}': { url: '/v1/attestations/not-a-uuid' },
  'GET /v1/waivers': { url: '/v1/waivers?entityRef=' },
  'POST /v1/waivers': {
    url: '/v1/waivers',
    body: { ...CREATE_WAIVER, until: 'soon' },
  },
  'DELETE /v1/waivers/{id}': { url: '/v1/waivers/42' },
};

type Part = 'query' | 'params' | 'body';
type Recorded = Record<string, Partial<Record<Part, z.ZodObject<any>>>>;

/** Calls every operation once with a valid request and records its zod schemas. */
async function recordSchemas(app: express.Express, current: { req?: any }) {
  const recorded: Recorded = {};
  const mocked = parseOrThrow as jest.MockedFunction<typeof parseOrThrow>;
  const actual = jest.requireActual('../routes/parse').parseOrThrow;
  mocked.mockImplementation((schema, value, what) => {
    const req = current.req;
    const op = `${req.method} ${String(req.route.path).replace(
      /:([A-Za-z0-9_]+)/g,
      '{$1}',
    )}`;
    const part = (['query', 'params', 'body'] as Part[]).find(
      p => req[p] === value,
    );
    if (!part) throw new Error(`${op}: ${what} validates an unknown part`);
    if (!(schema instanceof z.ZodObject)) {
      throw new Error(`${op}: the ${part} schema is not a zod object`);
    }
    (recorded[op] ??= {})[part] = schema;
    return actual(schema, value, what);
  });
  for (const [op, { url, body }] of Object.entries(VALID)) {
    const method = op.split(' ')[0].toLowerCase() as 'get' | 'post' | 'delete';
    const res = body
      ? await request(app)[method](url).send(body)
      : await request(app)[method](url);
    expect({ op, status: res.status }).toEqual({ op, status: success(op) });
  }
  return recorded;
}

/** The success status the spec declares for an operation. */
function success(op: string): number {
  const [method, path] = op.split(' ');
  const responses = spec.paths[path][method.toLowerCase() as 'get']!.responses;
  return Number(Object.keys(responses).find(s => s.startsWith('2')));
}

function isOptional(field: z.ZodType): boolean {
  return field.safeParse(undefined).success;
}

describe('the OpenAPI spec and the router', () => {
  let app: express.Express;
  let router: express.Router;
  const current: { req?: any } = {};
  let recorded: Recorded;

  beforeAll(async () => {
    router = await createRouter(stubOptions());
    app = express()
      .use((req, _res, next) => {
        current.req = req;
        next();
      })
      .use(router)
      .use(mockErrorHandler());
    recorded = await recordSchemas(app, current);
  });

  it('is an OpenAPI 3.0 document whose refs all resolve', () => {
    expect(spec.openapi).toMatch(/^3\.0\.\d+$/);
    const refs = JSON.stringify(spec).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) {
      expect(() => deref(spec, { $ref: ref.slice(8, -1) })).not.toThrow();
    }
    const ids = specOperations(spec).map(op => {
      const [method, path] = op.split(' ');
      return spec.paths[path][method.toLowerCase() as 'get']!.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has every route the router registers, and no other', () => {
    const routes = routerOperations(router as any).sort();
    expect(routes).toEqual(specOperations(spec).sort());
    // Every operation is exercised below.
    expect(Object.keys(VALID).sort()).toEqual(routes);
  });

  it('names the path parameters of each route as the route does', () => {
    for (const op of specOperations(spec)) {
      const [method, path] = op.split(' ');
      const operation = spec.paths[path][method.toLowerCase() as 'get']!;
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map(m => m[1]).sort();
      const declared = operationParameters(spec, operation)
        .filter(p => p.in === 'path')
        .map(p => p.name)
        .sort();
      expect({ op, declared }).toEqual({ op, declared: inPath });
      const zodParams = recorded[op]?.params;
      expect({ op, zod: Object.keys(zodParams?.shape ?? {}).sort() }).toEqual({
        op,
        zod: inPath,
      });
    }
  });

  it('declares exactly the query parameters the zod schemas accept', () => {
    for (const op of specOperations(spec)) {
      const [method, path] = op.split(' ');
      const operation = spec.paths[path][method.toLowerCase() as 'get']!;
      const params = operationParameters(spec, operation).filter(
        p => p.in === 'query',
      );
      const shape = recorded[op]?.query?.shape ?? {};
      expect({ op, query: Object.keys(shape).sort() }).toEqual({
        op,
        query: params.map(p => p.name).sort(),
      });
      for (const p of params) {
        expect({
          op,
          param: p.name,
          required: !isOptional(shape[p.name]),
        }).toEqual({ op, param: p.name, required: p.required === true });
      }
    }
  });

  it('gives the query parameters the bounds and values the zod schemas have', () => {
    const probes: Array<{
      op: string;
      param: string;
      value: unknown;
      accepted: boolean;
      expected: boolean;
    }> = [];
    const defaults: Array<{
      op: string;
      param: string;
      spec: unknown;
      zod: unknown;
    }> = [];
    for (const op of specOperations(spec)) {
      const [method, path] = op.split(' ');
      const operation = spec.paths[path][method.toLowerCase() as 'get']!;
      for (const p of operationParameters(spec, operation)) {
        if (p.in !== 'query') continue;
        const field = recorded[op]!.query!.shape[p.name] as z.ZodType;
        const schema = resolveSchema(spec, p.schema);
        const accepts = (value: string) => field.safeParse(value).success;
        const probe = (value: unknown, expected: boolean) => {
          const accepted =
            typeof value === 'string'
              ? accepts(value)
              : field.safeParse(value).success;
          probes.push({ op, param: p.name, value, accepted, expected });
        };
        if (schema.enum) {
          for (const v of schema.enum) probe(String(v), true);
          probe('not-one-of-them', false);
        }
        if (Array.isArray(schema.anyOf)) {
          // e.g. sort: a column, or `check:<check-id>`.
          for (const branch of schema.anyOf as OpenApiSchema[]) {
            for (const v of resolveSchema(spec, branch).enum ?? [])
              probe(String(v), true);
          }
          probe('not-one-of-them', false);
        }
        if (schema.type === 'integer') {
          probe(String(schema.minimum), true);
          probe(String(Number(schema.minimum) - 1), false);
          probe(String(schema.maximum), true);
          probe(String(Number(schema.maximum) + 1), false);
          probe('1.5', false);
        }
        if (schema.type === 'string' && !schema.enum) {
          probe('x'.repeat(schema.maxLength!), true);
          probe('x'.repeat(schema.maxLength! + 1), false);
          if (schema.minLength) probe('', false);
        }
        if (schema.type === 'array') {
          const item = resolveSchema(spec, schema.items!);
          const sample = item.enum ? String(item.enum[0]) : sampleFor(p.name);
          probe(sample, true);
          probe(Array(schema.maxItems).fill(sample), true);
          probe(Array(schema.maxItems! + 1).fill(sample), false);
          if (item.maxLength) probe('a'.repeat(item.maxLength + 1), false);
        }
        defaults.push({
          op,
          param: p.name,
          spec: schema.default,
          zod: field.safeParse(undefined).data,
        });
      }
    }
    expect(probes.length).toBeGreaterThan(60);
    expect(probes.filter(r => r.accepted !== r.expected)).toEqual([]);
    expect(defaults.filter(d => d.spec !== d.zod)).toEqual([]);
    expect(defaults.filter(d => d.spec !== undefined).length).toBeGreaterThan(
      5,
    );
  });

  it('declares the request bodies the zod schemas accept, field by field', () => {
    for (const op of specOperations(spec)) {
      const [method, path] = op.split(' ');
      const operation = spec.paths[path][method.toLowerCase() as 'get']!;
      const zodBody = recorded[op]?.body;
      const content = operation.requestBody?.content['application/json'];
      expect({ op, hasBody: !!content }).toEqual({ op, hasBody: !!zodBody });
      if (!content || !zodBody) continue;
      const schema = resolveSchema(spec, content.schema as OpenApiSchema);
      expect(schema.additionalProperties).toBe(false);
      expect({ op, fields: Object.keys(zodBody.shape).sort() }).toEqual({
        op,
        fields: Object.keys(schema.properties ?? {}).sort(),
      });
      const required = Object.entries(zodBody.shape)
        .filter(([, f]) => !isOptional(f as z.ZodType))
        .map(([k]) => k)
        .sort();
      expect({ op, required }).toEqual({
        op,
        required: [...(schema.required ?? [])].sort(),
      });
    }
  });

  it.each(Object.entries(INVALID))(
    'answers %s with a 400 in the spec',
    async (op, { url, body }) => {
      const method = op.split(' ')[0].toLowerCase() as
        | 'get'
        | 'post'
        | 'delete';
      const res = body
        ? await request(app)[method](url).send(body)
        : await request(app)[method](url);
      expect(res.status).toBe(400);
      // The real error handler's body is validated in test/src/openapi.test.ts.
      expect(res.body).toMatchObject({
        error: {
          name: 'InputError',
          message: expect.stringMatching(/^Invalid /),
        },
        response: { statusCode: 400 },
      });
    },
  );

  it('declares a 400 for every route that validates input', () => {
    const validating = Object.keys(recorded).sort();
    expect(Object.keys(INVALID).sort()).toEqual(validating);
    for (const op of validating) {
      const [method, path] = op.split(' ');
      expect({
        op,
        has400:
          !!spec.paths[path][method.toLowerCase() as 'get']!.responses['400'],
      }).toEqual({ op, has400: true });
    }
    // Nothing but the routes without input lacks a recorded schema.
    expect(
      specOperations(spec)
        .filter(op => !recorded[op])
        .sort(),
    ).toEqual(['GET /health', 'GET /metrics', 'GET /v1/checks']);
  });

  it('documents an auth error on every route but /health', () => {
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const open = path === '/health';
        expect({ path, method, has401: !!operation.responses['401'] }).toEqual({
          path,
          method,
          has401: !open,
        });
      }
    }
  });
});

/** A value each list filter accepts. */
function sampleFor(param: string): string {
  switch (param) {
    case 'check':
      return 'security.mtls:fail';
    case 'level':
      return 'not-ready';
    case 'namespace':
      return 'shop';
    case 'cluster':
      return 'prod-eu';
    default:
      return 'group:default/team-a';
  }
}
