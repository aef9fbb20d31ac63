import { KubeConfig } from '@kubernetes/client-node';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { startFixtureKubeApi } from 'mesh-devtools/kubeApi';
import { freePort } from 'mesh-devtools/prometheus';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { KubernetesApiSource } from './KubernetesApiSource';
import { meshResources } from './resources';
import { ManifestsDirSource } from './ManifestsDirSource';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';

type Fixture = Awaited<ReturnType<typeof startFixtureKubeApi>>;

const DEMO_DIR = path.resolve(
  resolvePackagePath('mesh-devtools'),
  '../../demo/kubernetes',
);

function kubeConfig(url: string, token = 'fixture-token'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fixture', server: url, skipTLSVerify: true }],
    users: [{ name: 'mesh', token }],
    contexts: [{ name: 'ctx', cluster: 'fixture', user: 'mesh' }],
    currentContext: 'ctx',
  });
  return kc;
}

const istioObjects: KubeObject[] = [
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'istio-system' },
    spec: { mtls: { mode: 'STRICT' } },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: 'default', namespace: 'shop' },
    spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }] },
  },
];

const key = (o: KubeObject) =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('KubernetesApiSource against a fixture API server', () => {
  let demoObjects: KubeObject[];
  const fixtures: Fixture[] = [];
  const start = async (
    options: Partial<Parameters<typeof startFixtureKubeApi>[0]> = {},
  ) => {
    const fixture = await startFixtureKubeApi({
      objects: [...demoObjects, ...istioObjects],
      token: 'fixture-token',
      ...options,
    });
    fixtures.push(fixture);
    return fixture;
  };

  beforeAll(async () => {
    demoObjects = (await new ManifestsDirSource(DEMO_DIR).fetch()).objects;
  });

  afterAll(async () => {
    await Promise.all(fixtures.map(f => f.stop()));
  });

  it('lists what the manifests directory holds, object for object', async () => {
    const fixture = await start();
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(result.problems).toEqual([]);
    expect(result.unavailable).toEqual([]);
    expect(result.objects.map(key).sort()).toEqual(
      [...demoObjects, ...istioObjects].map(key).sort(),
    );
    // Items come back with the kind and apiVersion of their list.
    const pod = result.objects.find(
      o => o.kind === 'Pod' && o.metadata.name === 'checkout-6b7f9c8d5-x2k9p',
    );
    expect(pod?.apiVersion).toBe('v1');
    expect(
      (
        pod?.spec as { initContainers: { restartPolicy?: string }[] }
      ).initContainers.some(c => c.restartPolicy === 'Always'),
    ).toBe(true);
  });

  it('issues one list call per kind, whatever the number of objects', async () => {
    const small = await start();
    await new KubernetesApiSource({
      kubeConfig: kubeConfig(small.url),
    }).fetch();
    // Ten times the objects, in ten times the namespaces.
    const copies = Array.from({ length: 10 }, (_, i) =>
      demoObjects.map(o => ({
        ...o,
        metadata: {
          ...o.metadata,
          namespace: `${o.metadata.namespace ?? 'default'}-${i}`,
        },
      })),
    ).flat();
    const large = await start({ objects: [...copies, ...istioObjects] });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(large.url),
    }).fetch();
    expect(result.objects.length).toBe(copies.length + istioObjects.length);
    expect(large.requests.length).toBe(small.requests.length);
    expect(result.requests).toBe(large.requests.length);
    // One call per kind, plus one per older API version tried for CRDs that are absent.
    expect(
      new Set(
        large.requests.map(r => r.replace(/\/v1(beta\d|alpha\d)?\//, '/')),
      ),
    ).toHaveProperty('size', 29);
    expect(large.requests.every(r => /[?&]limit=500/.test(r))).toBe(true);
  });

  it('lists Jobs and CronJobs, so the pods of a CronJob resolve through their Job', async () => {
    const fixture = await start();
    await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(fixture.requests).toEqual(
      expect.arrayContaining([
        '/apis/batch/v1/jobs?limit=500',
        '/apis/batch/v1/cronjobs?limit=500',
      ]),
    );
  });

  it('pages through limit/continue', async () => {
    const fixture = await start({ pageSizeCap: 3 });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(result.objects.map(key).sort()).toEqual(
      [...demoObjects, ...istioObjects].map(key).sort(),
    );
    const podPages = fixture.requests.filter(r => r.startsWith('/api/v1/pods'));
    const pods = demoObjects.filter(o => o.kind === 'Pod').length;
    expect(podPages).toHaveLength(Math.ceil(pods / 3));
    expect(podPages.slice(1).every(r => r.includes('continue='))).toBe(true);
  });

  it('starts a list over when its continue token expires', async () => {
    const fixture = await start({ pageSizeCap: 4, expireContinueOnce: true });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
      concurrency: 1,
    }).fetch();
    expect(result.objects.map(key).sort()).toEqual(
      [...demoObjects, ...istioObjects].map(key).sort(),
    );
  });

  it('treats an uninstalled CRD as absent, not as an error', async () => {
    const fixture = await start();
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(result.absent).toEqual(
      expect.arrayContaining([
        'servers.policy.linkerd.io',
        'egressnetworks.policy.linkerd.io',
        'gateways.gateway.networking.k8s.io',
      ]),
    );
    expect(result.absent).not.toContain(
      'peerauthentications.security.istio.io',
    );
    expect(result.problems).toEqual([]);
  });

  it('falls back to an older API version of a CRD', async () => {
    const fixture = await start({
      objects: [
        ...demoObjects,
        { ...istioObjects[1], apiVersion: 'networking.istio.io/v1beta1' },
      ],
      servedVersions: { 'networking.istio.io': ['v1beta1'] },
    });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    const sidecar = result.objects.find(o => o.kind === 'Sidecar');
    expect(sidecar?.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(fixture.requests).toContain(
      '/apis/networking.istio.io/v1/sidecars?limit=500',
    );
    expect(fixture.requests).toContain(
      '/apis/networking.istio.io/v1beta1/sidecars?limit=500',
    );
  });

  it('names the missing RBAC rule when a kind is forbidden, and lists the rest', async () => {
    const fixture = await start({
      forbidden: ['pods', 'security.istio.io/peerauthentications'],
    });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(result.unavailable?.map(u => [u.resource, u.reason])).toEqual([
      ['pods', 'forbidden'],
      ['peerauthentications.security.istio.io', 'forbidden'],
    ]);
    expect(result.unavailable?.[0].message).toContain(
      'Grant the verb "list" on resource "pods" in API group ""',
    );
    expect(result.unavailable?.[1].message).toContain(
      'cannot list resource "peerauthentications" in API group "security.istio.io"',
    );
    expect(result.objects.some(o => o.kind === 'Pod')).toBe(false);
    expect(result.objects.some(o => o.kind === 'Deployment')).toBe(true);
  });

  it('reports a kind the server fails to list', async () => {
    const fixture = await start({ failing: ['apps/replicasets'] });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(result.unavailable).toEqual([
      expect.objectContaining({
        resource: 'replicasets.apps',
        reason: 'error',
        message: expect.stringContaining(
          'HTTP 500: etcdserver: request timed out',
        ),
      }),
    ]);
  });

  it.each([503, 429, 502])(
    'retries a list answered %s, with backoff, and keeps its objects',
    async code => {
      const fixture = await start({
        flaky: { pods: [1, 2], 'apps/deployments': [1] },
        flakyCode: code,
      });
      const result = await new KubernetesApiSource({
        kubeConfig: kubeConfig(fixture.url),
        retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
      }).fetch();
      expect(result.unavailable).toEqual([]);
      expect(result.objects.some(o => o.kind === 'Pod')).toBe(true);
      expect(result.objects.some(o => o.kind === 'Deployment')).toBe(true);
      expect(
        fixture.requests.filter(r => r.startsWith('/api/v1/pods')),
      ).toHaveLength(3);
    },
  );

  it('gives up after the configured retries, naming the last answer', async () => {
    const fixture = await start({ flaky: { pods: [1, 2, 3] } });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 },
    }).fetch();
    expect(result.unavailable).toEqual([
      expect.objectContaining({
        resource: 'pods',
        message: expect.stringContaining('HTTP 503'),
      }),
    ]);
    expect(
      fixture.requests.filter(r => r.startsWith('/api/v1/pods')),
    ).toHaveLength(2);
  });

  it('gives up on a slow kind after the timeout and keeps the others', async () => {
    const fixture = await start({
      delayMs: p => (p === '/api/v1/services' ? 1500 : 0),
    });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
      timeoutMs: 300,
    }).fetch();
    expect(result.unavailable).toEqual([
      expect.objectContaining({
        resource: 'services',
        message: expect.stringContaining('no answer within 300 ms'),
      }),
    ]);
    expect(result.objects.some(o => o.kind === 'Pod')).toBe(true);
  });

  it('keeps at most `concurrency` list calls in flight', async () => {
    const fixture = await start({ delayMs: 30 });
    await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
      concurrency: 3,
    }).fetch();
    expect(fixture.maxInFlight).toBeLessThanOrEqual(3);
    expect(fixture.maxInFlight).toBeGreaterThan(1);
  });

  it('fails the whole source when the credentials are rejected', async () => {
    const fixture = await start();
    await expect(
      new KubernetesApiSource({
        kubeConfig: kubeConfig(fixture.url, 'wrong-token'),
      }).fetch(),
    ).rejects.toThrow(/rejected the credentials \(401\)/);
  });

  it('fails the whole source when the API server is unreachable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(
      new KubernetesApiSource({ kubeConfig: kubeConfig(url) }).fetch(),
    ).rejects.toThrow(`Kubernetes API ${url} is unreachable`);
  });

  it('says an unreachable server is unreachable without retrying every kind against it', async () => {
    // A server that closes every connection at once, counting them.
    let connections = 0;
    const server = net.createServer(socket => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const source = new KubernetesApiSource({
      kubeConfig: kubeConfig(url),
      concurrency: 1,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      await expect(source.fetch()).rejects.toThrow(
        `Kubernetes API ${url} is unreachable`,
      );
    } finally {
      server.close();
    }
    // The first kind is tried three times; once it gave up, every other kind once.
    const kinds = meshResources().length;
    expect(connections).toBe(3 + (kinds - 1));
  });

  it.each([
    // 503: the server is not serving; once one kind used up its retries, the others
    // try once, so the source can say so before the run's deadline.
    [503, (kinds: number) => 3 + (kinds - 1), /failed every list: .*HTTP 503/],
    // 429: priority and fairness asks each request to come back, so each is retried.
    [429, (kinds: number) => 3 * kinds, /failed every list: .*HTTP 429/],
  ])(
    'a server answering %s to every list: retries as the status asks',
    async (code, expected, message) => {
      let requests = 0;
      const server = http.createServer((_req, res) => {
        requests += 1;
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'the server is currently unable to handle the request',
            code,
          }),
        );
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      const { port } = server.address() as net.AddressInfo;
      const source = new KubernetesApiSource({
        kubeConfig: kubeConfig(`http://127.0.0.1:${port}`),
        concurrency: 1,
        retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      });
      try {
        await expect(source.fetch()).rejects.toThrow(message);
      } finally {
        server.close();
      }
      expect(requests).toBe(expected(meshResources().length));
    },
  );

  it('skips a malformed item and says where it was', async () => {
    const fixture = await start({
      objects: [
        ...demoObjects,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'bad', namespace: 'shop', labels: { broken: 7 } },
        },
      ],
    });
    const result = await new KubernetesApiSource({
      kubeConfig: kubeConfig(fixture.url),
    }).fetch();
    expect(result.problems).toEqual([
      expect.objectContaining({
        location: expect.stringMatching(/^pods items\[\d+\]$/),
        message: expect.stringContaining('metadata.labels.broken'),
      }),
    ]);
  });
});
