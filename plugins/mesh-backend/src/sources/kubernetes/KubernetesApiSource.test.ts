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
import {
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  namespace,
  snapshot,
} from '../../__testUtils__/fixtures';
import { certificatesCheck } from '../../checks/controlPlane/certificates';
import { buildKubernetesFacts } from '../../snapshot/kubernetesFacts';

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

/** A CA certificate (CN=root.linkerd.cluster.local, valid until 2036-11-27). */
const PEM = `-----BEGIN CERTIFICATE-----
MIIBnzCCAUWgAwIBAgIUREhVSM7k3wqaXh3JC02nlp8RQdowCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwacm9vdC5saW5rZXJkLmNsdXN0ZXIubG9jYWwwHhcNMjYxMTMw
MDYzMTAwWhcNMzYxMTI3MDYzMTAwWjAlMSMwIQYDVQQDDBpyb290LmxpbmtlcmQu
Y2x1c3Rlci5sb2NhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKHNeX8Yookq
A88qnsmpt2VMzQe5bcwCPYzsTjmFu4Dq0JY8uinP9bltUoBZ4Az3wI7aWgd8Fzva
m4vyxtGYFDejUzBRMB0GA1UdDgQWBBRXAOYxyMYkm6ob1F2+9Pqm5wZ+6TAfBgNV
HSMEGDAWgBRXAOYxyMYkm6ob1F2+9Pqm5wZ+6TAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0gAMEUCIQCIL4YggtNS/BKlIVZh0pcc2UFuTJkggljfRHed5tVU
GQIgWct1yo/50IFLt2jAQ1DpnQa4e6X/P3vd7sR6xvgNeRk=
-----END CERTIFICATE-----
`;
const PRIVATE_KEY =
  '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBfixturefixturefixturefixture\n-----END EC PRIVATE KEY-----\n';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const linkerdTrustRoots: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name: 'linkerd-identity-trust-roots',
    namespace: 'linkerd',
    uid: '5e0c1f7a-2d4b-4a8e-8f3c-1b2a3c4d5e6f',
    resourceVersion: '88100',
    creationTimestamp: '2026-01-10T08:00:00Z',
  },
  data: { 'ca-bundle.crt': PEM },
};
/** A meshed `checkout` in a Linkerd-injected namespace, for the certificates check. */
const linkerdApp: KubeObject[] = [
  namespace('shop', { annotations: { 'linkerd.io/inject': 'enabled' } }),
  ...deploymentWithPods('checkout', 'shop', {
    pods: 1,
    meshedPods: 1,
    proxy: linkerdProxy(),
  }),
];
const ISSUER_PATH =
  '/api/v1/namespaces/linkerd/secrets/linkerd-identity-issuer';

/** A Secret as `kubectl get secret -o yaml` prints it, applied with `kubectl apply`. */
function secret(
  name: string,
  ns: string,
  data: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: ns,
      uid: `0d9c6a2e-5b1f-4c3e-9a7d-${name.length
        .toString()
        .padStart(12, '0')}`,
      resourceVersion: '88231',
      creationTimestamp: '2026-01-10T08:00:00Z',
      labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
      annotations: {
        // kubectl keeps the whole applied object here, private key included.
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          data,
        }),
      },
    },
    type: 'Opaque',
    data,
  };
}

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
    // One call per kind, plus one per older API version tried for CRDs that are absent,
    // plus the one GET of Linkerd's issuer Secret by name.
    expect(
      new Set(
        large.requests.map(r => r.replace(/\/v1(beta\d|alpha\d)?\//, '/')),
      ),
    ).toHaveProperty('size', 30);
    const [byName, ...others] = [
      ...large.requests.filter(r => r.includes('/secrets')),
      ...large.requests.filter(r => !r.includes('/secrets')),
    ];
    expect(byName).toBe(ISSUER_PATH);
    expect(others.every(r => /[?&]limit=500/.test(r))).toBe(true);
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

  describe("Linkerd's issuer Secret", () => {
    const issuer = secret('linkerd-identity-issuer', 'linkerd', {
      'crt.pem': b64(PEM),
      'key.pem': b64(PRIVATE_KEY),
    });
    const others = [
      secret('linkerd-identity-token', 'linkerd', { token: b64('t0ken') }),
      secret('db-password', 'shop', { password: b64('hunter2') }),
    ];

    it('GETs that one Secret by name and keeps only its certificate', async () => {
      const fixture = await start({
        objects: [...demoObjects, ...istioObjects, issuer, ...others],
      });
      const result = await new KubernetesApiSource({
        kubeConfig: kubeConfig(fixture.url),
      }).fetch();
      // Never a list of Secrets: one GET, by name, in the Linkerd namespace.
      expect(fixture.requests.filter(r => r.includes('/secrets'))).toEqual([
        ISSUER_PATH,
      ]);
      const secrets = result.objects.filter(o => o.kind === 'Secret');
      expect(secrets).toEqual([
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {
            name: 'linkerd-identity-issuer',
            namespace: 'linkerd',
            uid: issuer.metadata.uid,
            resourceVersion: '88231',
            creationTimestamp: '2026-01-10T08:00:00Z',
            labels: { 'linkerd.io/control-plane-ns': 'linkerd' },
          },
          type: 'Opaque',
          data: { 'crt.pem': b64(PEM) },
        },
      ]);
      expect(JSON.stringify(result.objects)).not.toContain(b64(PRIVATE_KEY));
      expect(result.problems).toEqual([]);
      // The certificate reaches the facts the certificates check reads.
      const facts = buildKubernetesFacts(result.objects, result);
      expect(
        (facts.mesh.certificates ?? [])
          .filter(c => c.role === 'issuer')
          .map(c => [c.source.name, c.key, c.notAfter]),
      ).toEqual([
        ['linkerd-identity-issuer', 'crt.pem', '2036-11-27T06:31:00.000Z'],
      ]);
    });

    it('keeps tls.crt and drops tls.key of a cert-manager issuer Secret', async () => {
      const tls = {
        ...secret('linkerd-identity-issuer', 'linkerd', {
          'tls.crt': b64(PEM),
          'tls.key': b64(PRIVATE_KEY),
          'ca.crt': b64(PEM),
        }),
        type: 'kubernetes.io/tls',
      };
      const fixture = await start({
        objects: [...demoObjects, ...istioObjects, tls],
      });
      const result = await new KubernetesApiSource({
        kubeConfig: kubeConfig(fixture.url),
      }).fetch();
      expect(
        result.objects.filter(o => o.kind === 'Secret').map(o => o.data),
      ).toEqual([{ 'tls.crt': b64(PEM) }]);
    });

    it('is absent, not a problem, where Linkerd keeps no issuer Secret', async () => {
      const fixture = await start({
        objects: [...demoObjects, ...istioObjects, ...others],
      });
      const result = await new KubernetesApiSource({
        kubeConfig: kubeConfig(fixture.url),
      }).fetch();
      expect(result.absent).toContain('secrets');
      expect(result.problems).toEqual([]);
      expect(result.unavailable).toEqual([]);
      expect(result.objects.some(o => o.kind === 'Secret')).toBe(false);
    });

    it('tolerates a 403: not readable, with the reason, the source still whole', async () => {
      const fixture = await start({
        objects: [issuer, linkerdTrustRoots, ...linkerdApp],
        forbidden: ['secrets'],
      });
      const result = await new KubernetesApiSource({
        kubeConfig: kubeConfig(fixture.url),
      }).fetch();
      expect(result.problems).toEqual([]);
      expect(result.unavailable).toEqual([
        expect.objectContaining({
          kind: 'Secret',
          resource: 'secrets',
          reason: 'forbidden',
          message: expect.stringContaining(
            'the verb "get" on resource "secrets" with resourceNames ["linkerd-identity-issuer"] in namespace "linkerd"',
          ),
        }),
      ]);
      // The certificates check judges the trust anchor and says why the issuer is not read.
      const facts = buildKubernetesFacts(result.objects, result);
      const outcome = certificatesCheck.evaluate(
        contextFor([snapshot('prod', [], { kubernetes: { data: facts } })]),
      );
      expect(outcome.status).not.toBe('unknown');
      expect(JSON.stringify(outcome.evidence)).toContain(
        'Secret linkerd-identity-issuer not readable (forbidden): forbidden: secrets \\"linkerd-identity-issuer\\" is forbidden',
      );
    });
  });

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
