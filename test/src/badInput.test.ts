import { mockCredentials } from '@backstage/backend-test-utils';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();
const LONG = 'a'.repeat(300);

interface Case {
  what: string;
  method: 'get' | 'post' | 'put' | 'delete';
  url: string;
  body?: string;
  type?: string;
  status: number;
  /** Words the error message must contain. */
  message?: string;
}

const report = (kind: string, ns: string, name: string) =>
  `/api/mesh/v1/reports/${kind}/${ns}/${name}`;
const history = (query: string, name = 'checkout') =>
  `/api/mesh/v1/history/component/default/${name}${query}`;
const refresh = (body: string, type = 'application/json'): Partial<Case> => ({
  method: 'post',
  url: '/api/mesh/v1/refresh',
  body,
  type,
});

const CASES: Case[] = [
  // Entity refs and path segments.
  {
    what: 'kind starting with a digit',
    method: 'get',
    url: report('1component', 'default', 'x'),
    status: 400,
    message: 'invalid entity kind',
  },
  {
    what: 'kind with a dash',
    method: 'get',
    url: report('com-ponent', 'default', 'x'),
    status: 400,
    message: 'invalid entity kind',
  },
  {
    what: 'namespace with a space',
    method: 'get',
    url: report('component', 'bad%20ns', 'x'),
    status: 400,
    message: 'invalid entity namespace',
  },
  {
    what: 'name of 300 characters',
    method: 'get',
    url: report('component', 'default', LONG),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'name with a quote',
    method: 'get',
    url: report('component', 'default', 'a%22b'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'name ..',
    method: 'get',
    url: report('component', 'default', '..'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'name with unicode',
    method: 'get',
    url: report('component', 'default', 'ch%C3%A9'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'PromQL injection in the name',
    method: 'get',
    url: report(
      'component',
      'default',
      encodeURIComponent('web"}or vector(1)'),
    ),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'name ending with a dash',
    method: 'get',
    url: report('component', 'default', 'web-'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'name with a newline',
    method: 'get',
    url: report('component', 'default', 'a%0Ab'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'name with a NUL byte',
    method: 'get',
    url: report('component', 'default', 'a%00b'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'regex metacharacters in the name',
    method: 'get',
    url: report('component', 'default', encodeURIComponent('.*|(a)')),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'a missing segment',
    method: 'get',
    url: '/api/mesh/v1/reports/component/default',
    status: 404,
  },
  {
    what: 'an extra segment',
    method: 'get',
    url: '/api/mesh/v1/reports/component/default/a/b',
    status: 404,
  },
  {
    what: 'an entity the catalog lacks',
    method: 'get',
    url: report('component', 'default', 'ghost'),
    status: 404,
    message: 'No entity component:default/ghost in the catalog',
  },
  // History queries.
  {
    what: 'days=0',
    method: 'get',
    url: history('?days=0'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'days=-1',
    method: 'get',
    url: history('?days=-1'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'days=abc',
    method: 'get',
    url: history('?days=abc'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'days=3651',
    method: 'get',
    url: history('?days=3651'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'days=1.5',
    method: 'get',
    url: history('?days=1.5'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'an unknown query field',
    method: 'get',
    url: history('?days=7&limit=5'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'days given twice',
    method: 'get',
    url: history('?days=1&days=2'),
    status: 400,
    message: 'Invalid history query',
  },
  {
    what: 'a bad name in history',
    method: 'get',
    url: history('', 'a%22b'),
    status: 400,
    message: 'invalid entity name',
  },
  {
    what: 'history of an entity the catalog lacks',
    method: 'get',
    url: history('', 'ghost'),
    status: 404,
  },
  // Refresh bodies.
  {
    what: 'a text/plain body',
    ...refresh('{"entityRef":"component:default/checkout"}', 'text/plain'),
    status: 400,
    message: 'the body must be JSON',
  } as Case,
  {
    what: 'a form body',
    ...refresh(
      'entityRef=component%3Adefault%2Fcheckout',
      'application/x-www-form-urlencoded',
    ),
    status: 400,
    message: 'the body must be JSON',
  } as Case,
  {
    what: 'an XML body',
    ...refresh('<entityRef>x</entityRef>', 'application/xml'),
    status: 400,
    message: 'the body must be JSON',
  } as Case,
  { what: 'malformed JSON', ...refresh('{"entityRef":'), status: 400 } as Case,
  {
    what: 'a body over 16 kB',
    ...refresh(JSON.stringify({ entityRef: 'x'.repeat(20_000) })),
    status: 413,
  } as Case,
  {
    what: 'entityRef as a number',
    ...refresh('{"entityRef":42}'),
    status: 400,
    message: 'Invalid refresh request',
  } as Case,
  {
    what: 'entityRef empty',
    ...refresh('{"entityRef":""}'),
    status: 400,
    message: 'Invalid refresh request',
  } as Case,
  {
    what: 'entityRef of 600 characters',
    ...refresh(
      JSON.stringify({ entityRef: `component:default/${'a'.repeat(600)}` }),
    ),
    status: 400,
    message: 'Invalid refresh request',
  } as Case,
  {
    what: 'an unknown field',
    ...refresh('{"entityRef":"component:default/checkout","force":true}'),
    status: 400,
    message: 'Invalid refresh request',
  } as Case,
  {
    what: 'entityRef as an array',
    ...refresh('{"entityRef":["component:default/checkout"]}'),
    status: 400,
    message: 'Invalid refresh request',
  } as Case,
  {
    what: 'entityRef with no name',
    ...refresh('{"entityRef":"component:"}'),
    status: 400,
    message: "Invalid entityRef 'component:'",
  } as Case,
  {
    what: 'a JSON array body',
    ...refresh('[]'),
    status: 400,
    message: 'Invalid refresh request',
  } as Case,
  { what: 'a JSON null body', ...refresh('null'), status: 400 } as Case,
  {
    what: 'a JSON string body',
    ...refresh('"component:default/checkout"'),
    status: 400,
  } as Case,
  {
    what: 'entityRef the catalog lacks',
    ...refresh('{"entityRef":"component:default/ghost"}'),
    status: 404,
    message: 'No entity component:default/ghost in the catalog',
  } as Case,
  // Routes and methods that do not exist.
  {
    what: 'an unknown route',
    method: 'get',
    url: '/api/mesh/v1/unknown',
    status: 404,
  },
  {
    what: 'DELETE on a report',
    method: 'delete',
    url: report('component', 'default', 'checkout'),
    status: 404,
  },
  {
    what: 'PUT on refresh',
    method: 'put',
    url: '/api/mesh/v1/refresh',
    status: 404,
  },
  {
    what: 'POST on a report',
    method: 'post',
    url: report('component', 'default', 'checkout'),
    status: 404,
  },
  {
    what: 'GET on refresh',
    method: 'get',
    url: '/api/mesh/v1/refresh',
    status: 404,
  },
];

describe('bad input on every route: a 4xx in Backstage’s error format, never a 500', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startMeshBackend({
      entities: demo.entities,
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
          },
        ],
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('$what → $status', async c => {
    let req = request(backend.server)
      [c.method](c.url)
      .set('Authorization', AUTH());
    if (c.body !== undefined)
      req = req.set('Content-Type', c.type!).send(c.body);
    const res = await req;
    expect(res.status).toBe(c.status);
    expect(res.body.error?.name).toEqual(expect.any(String));
    expect(res.body.error?.message).toEqual(expect.any(String));
    expect(res.body.error.message).toContain(c.message ?? '');
    expect(res.body.response?.statusCode).toBe(c.status);
  });
});
