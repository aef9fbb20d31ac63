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

const ATTESTATION = {
  entityRef: 'component:default/checkout',
  checkId: 'operations.runbook',
  note: 'runbook reviewed',
  expiresInDays: 30,
};

/** A POST of `body` (JSON unless a string) to `url`, named `<name>: <what>`. */
const bodyCase =
  (name: string, url: string) =>
  (
    what: string,
    body: object | string,
    status: number,
    message: string,
    type = 'application/json',
  ): Case => ({
    what: `${name}: ${what}`,
    method: 'post',
    url,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    type,
    status,
    message,
  });

function attestationCases(): Case[] {
  const post = bodyCase('attestation', '/api/mesh/v1/attestations');
  const list = (what: string, query: string, message: string): Case => ({
    what: `attestations list: ${what}`,
    method: 'get',
    url: `/api/mesh/v1/attestations${query}`,
    status: 400,
    message,
  });
  return [
    post('not JSON', 'entityRef=x', 400, 'must be JSON', 'text/plain'),
    post('malformed JSON', '{"entityRef":', 400, ''),
    post('an array', [], 400, 'Invalid attestation'),
    post(
      'no entityRef',
      { ...ATTESTATION, entityRef: undefined },
      400,
      'entityRef',
    ),
    post(
      'an entityRef that does not parse',
      { ...ATTESTATION, entityRef: 'component:default/' },
      400,
      'Invalid entityRef',
    ),
    post(
      'an unknown entity',
      { ...ATTESTATION, entityRef: 'component:default/nope' },
      404,
      'No entity component:default/nope',
    ),
    post(
      'a check that is not attestable',
      { ...ATTESTATION, checkId: 'security.mtls' },
      400,
      'operations.runbook, operations.on-call',
    ),
    post(
      'an unknown check',
      { ...ATTESTATION, checkId: 'no.such' },
      400,
      'control-plane.certificates',
    ),
    post(
      'an empty note',
      { ...ATTESTATION, note: '   ' },
      400,
      'note: must not be empty',
    ),
    post(
      'a note too long',
      { ...ATTESTATION, note: 'x'.repeat(2001) },
      400,
      'note: at most 2000',
    ),
    post(
      'a javascript: link',
      // eslint-disable-next-line no-script-url -- the input under test
      { ...ATTESTATION, link: 'javascript:alert(1)' },
      400,
      'link: must be an http(s) URL',
    ),
    post(
      'a link that is no URL',
      { ...ATTESTATION, link: 'wiki page' },
      400,
      'link: must be an http(s) URL',
    ),
    post(
      'negative expiresInDays',
      { ...ATTESTATION, expiresInDays: -5 },
      400,
      'expiresInDays: must be between 1 and 365',
    ),
    post(
      'expiresInDays of 0',
      { ...ATTESTATION, expiresInDays: 0 },
      400,
      'expiresInDays',
    ),
    post(
      'expiresInDays over a year',
      { ...ATTESTATION, expiresInDays: 366 },
      400,
      'expiresInDays: must be between 1 and 365',
    ),
    post(
      'fractional expiresInDays',
      { ...ATTESTATION, expiresInDays: 1.5 },
      400,
      'expiresInDays: must be a whole number',
    ),
    post(
      'expiresInDays as a string',
      { ...ATTESTATION, expiresInDays: '30' },
      400,
      'expiresInDays',
    ),
    post(
      'an unknown field',
      { ...ATTESTATION, createdBy: 'user:default/mallory' },
      400,
      'createdBy',
    ),
    list('no entityRef', '', 'entityRef'),
    list(
      'an unknown parameter',
      '?entityRef=component:default/checkout&all=1',
      'all',
    ),
    {
      what: 'attestations list: an unknown entity',
      method: 'get',
      url: '/api/mesh/v1/attestations?entityRef=component:default/nope',
      status: 404,
      message: 'No entity',
    },
    {
      what: 'attestation delete: an id that is no UUID',
      method: 'delete',
      url: '/api/mesh/v1/attestations/42',
      status: 400,
      message: 'invalid attestation id',
    },
    {
      what: 'attestation delete: an unknown id',
      method: 'delete',
      url: '/api/mesh/v1/attestations/00000000-0000-4000-8000-000000000000',
      status: 404,
      message: 'No attestation',
    },
    {
      what: 'attestations: PUT',
      method: 'put',
      url: '/api/mesh/v1/attestations',
      status: 404,
    },
  ];
}

const WAIVER = {
  entityRef: 'component:default/checkout',
  checkId: 'security.egress',
  reason: 'egress goes through the proxy fleet',
};

function waiverCases(): Case[] {
  const post = bodyCase('waiver', '/api/mesh/v1/waivers');
  return [
    post('not JSON', 'entityRef=x', 400, 'must be JSON', 'text/plain'),
    post(
      'a form body',
      'entityRef=component%3Adefault%2Fcheckout&checkId=security.egress&reason=x',
      400,
      'must be JSON',
      'application/x-www-form-urlencoded',
    ),
    post('malformed JSON', '{"checkId":', 400, ''),
    post('an array', [WAIVER], 400, 'Invalid waiver'),
    post(
      'a body over 16 kB',
      { ...WAIVER, reason: 'x'.repeat(20_000) },
      413,
      '',
    ),
    post('checkId as a number', { ...WAIVER, checkId: 42 }, 400, 'checkId'),
    post('reason as an array', { ...WAIVER, reason: ['x'] }, 400, 'reason'),
    post('until as a number', { ...WAIVER, until: 20261231 }, 400, 'until'),
    post(
      'entityRef as an object',
      { ...WAIVER, entityRef: { kind: 'component' } },
      400,
      'entityRef',
    ),
    post(
      'an unknown check',
      { ...WAIVER, checkId: 'security.egres' },
      400,
      "checkId 'security.egres' is not the id of a check",
    ),
    post(
      'no reason',
      { entityRef: WAIVER.entityRef, checkId: WAIVER.checkId },
      400,
      'reason',
    ),
    post(
      'a blank reason',
      { ...WAIVER, reason: ' \n ' },
      400,
      'reason: must not be empty',
    ),
    post(
      'a reason too long',
      { ...WAIVER, reason: 'x'.repeat(2001) },
      400,
      'reason: at most 2000 characters',
    ),
    post(
      'until in the past',
      { ...WAIVER, until: '2020-01-01' },
      400,
      'until: 2020-01-01 is in the past',
    ),
    post(
      'until not on the calendar',
      { ...WAIVER, until: '2099-02-30' },
      400,
      "until: '2099-02-30' is no day of the calendar",
    ),
    post(
      'until as a time',
      { ...WAIVER, until: '2099-01-01T00:00:00Z' },
      400,
      'until: must be a day as YYYY-MM-DD',
    ),
    post(
      'until in words',
      { ...WAIVER, until: 'next week' },
      400,
      'until: must be a day as YYYY-MM-DD',
    ),
    post(
      'an unknown field',
      { ...WAIVER, createdBy: 'user:default/mallory' },
      400,
      'createdBy',
    ),
    post(
      'an entityRef that does not parse',
      { ...WAIVER, entityRef: 'component:default/' },
      400,
      'Invalid entityRef',
    ),
    post(
      'an unknown entity',
      { ...WAIVER, entityRef: 'component:default/nope' },
      404,
      'No entity component:default/nope',
    ),
    {
      what: 'waivers list: no entityRef',
      method: 'get',
      url: '/api/mesh/v1/waivers',
      status: 400,
      message: 'entityRef',
    },
    {
      what: 'waivers list: an unknown parameter',
      method: 'get',
      url: '/api/mesh/v1/waivers?entityRef=component:default/checkout&all=1',
      status: 400,
      message: 'all',
    },
    {
      what: 'waiver delete: an id that is no UUID',
      method: 'delete',
      url: '/api/mesh/v1/waivers/..%2F..%2Freports',
      status: 400,
      message: 'invalid waiver id',
    },
    {
      what: 'waiver delete: an unknown id',
      method: 'delete',
      url: '/api/mesh/v1/waivers/00000000-0000-4000-8000-000000000000',
      status: 404,
      message: 'No waiver',
    },
    {
      what: 'waivers: PUT',
      method: 'put',
      url: '/api/mesh/v1/waivers',
      status: 404,
    },
    {
      what: 'fleet history: days=0',
      method: 'get',
      url: '/api/mesh/v1/history/fleet?days=0',
      status: 400,
      message: 'Invalid history query',
    },
    {
      what: 'fleet history: an unknown parameter',
      method: 'get',
      url: '/api/mesh/v1/history/fleet?days=7&by=group',
      status: 400,
      message: 'by',
    },
  ];
}

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
  // The fleet scorecard: every query parameter is validated, unknown ones named.
  ...(
    [
      ['an unknown scorecard parameter', '/v1/scorecard?colour=red', 'colour'],
      [
        'a scorecard sort column that does not exist',
        '/v1/scorecard?sort=x',
        'sort',
      ],
      ['a scorecard limit of 10,000', '/v1/scorecard?limit=10000', 'limit'],
      [
        'a scorecard limit that is not a number',
        '/v1/scorecard?limit=ten',
        'limit',
      ],
      [
        'a check filter without a status',
        '/v1/scorecard?check=security.mtls',
        'check',
      ],
      [
        'a namespace filter with a space',
        '/v1/scorecard?namespace=a%20b',
        'namespace',
      ],
      [
        'an owner filter as an object',
        '/v1/scorecard?owner[kind]=group',
        'owner',
      ],
      ['a free-text filter of 300 characters', `/v1/scorecard?q=${LONG}`, 'q'],
      [
        'a scorecard cursor that is not one',
        '/v1/scorecard?cursor=%7B%7D',
        'cursor',
      ],
      [
        'a CSV format that does not exist',
        '/v1/scorecard?format=xlsx',
        'format',
      ],
      ['a roll-up without by', '/v1/scorecard/rollups', 'by'],
      ['a roll-up by team', '/v1/scorecard/rollups?by=team', 'by'],
      [
        'a roll-up with a sort',
        '/v1/scorecard/rollups?by=group&sort=score',
        'sort',
      ],
      ['a summary with a limit', '/v1/scorecard/summary?limit=5', 'limit'],
      ['a roll-up trend without a key', '/v1/history/rollups?by=group', 'key'],
      [
        'a roll-up trend of 5,000 days',
        '/v1/history/rollups?by=group&key=a&days=5000',
        'days',
      ],
    ] as const
  ).map(
    ([what, url, message]): Case => ({
      what,
      method: 'get',
      url: `/api/mesh${url}`,
      status: 400,
      message,
    }),
  ),
  {
    what: 'a roll-up trend of a key with no entities',
    method: 'get',
    url: '/api/mesh/v1/history/rollups?by=system&key=system:default/nowhere',
    status: 404,
    message: 'nowhere',
  },
  {
    what: 'POST on the scorecard',
    method: 'post',
    url: '/api/mesh/v1/scorecard',
    status: 404,
  },
  // Attestations.
  ...attestationCases(),
  // Waivers made through the API, and the fleet's history.
  ...waiverCases(),
];

describe('bad input on every route: a 4xx in Backstage’s error format, never a 500', () => {
  let backend: TestBackend;

  const start = () =>
    startMeshBackend({
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

  beforeAll(async () => {
    // As an adopter runs it: Backstage's error handler decides from NODE_ENV, when the
    // backend starts, whether error bodies carry stack traces.
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      backend = await start();
    } finally {
      process.env.NODE_ENV = before;
    }
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  const frames = /\bat \S+ \(|\.ts:\d+|\.js:\d+|node_modules/;

  it('leaks no stack trace in production, where a development backend would show one', async () => {
    const bad = (b: TestBackend) =>
      request(b.server)
        .get('/api/mesh/v1/reports/component/default/%E0%A4%A')
        .set('Authorization', AUTH());
    const res = await bad(backend);
    expect(res.status).toBe(400);
    expect(res.body.error.stack).toBeUndefined();
    expect(res.text).not.toMatch(frames);

    // The control: the same request to a development backend shows the stack, so the
    // assertions above can fail.
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    let dev: TestBackend | undefined;
    try {
      dev = await start();
    } finally {
      process.env.NODE_ENV = before;
    }
    try {
      const devRes = await bad(dev);
      expect(devRes.status).toBe(400);
      expect(devRes.body.error.stack).toMatch(frames);
    } finally {
      await dev.stop();
    }
  }, 60_000);

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
    expect(res.body.error.stack).toBeUndefined();
    expect(res.text).not.toMatch(frames);
  });
});
