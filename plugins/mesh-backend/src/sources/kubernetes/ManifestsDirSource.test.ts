import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ManifestsDirSource, parseManifestText } from './ManifestsDirSource';

let dir: string;

async function write(relative: string, text: string) {
  const file = path.join(dir, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

const names = (objects: { kind: string; metadata: { name: string } }[]) =>
  objects.map(o => `${o.kind}/${o.metadata.name}`);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mesh-manifests-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

// A `kubectl get pods,deployments -o yaml` answer, with the fields kubectl writes.
const KUBECTL_LIST = `apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: checkout
    namespace: shop
    labels:
      app: checkout
  spec:
    replicas: 2
- apiVersion: v1
  kind: Pod
  metadata:
    name: checkout-6b7f9c8d5-x2k9p
    namespace: shop
    ownerReferences:
    - apiVersion: apps/v1
      kind: ReplicaSet
      name: checkout-6b7f9c8d5
      controller: true
      blockOwnerDeletion: true
      uid: 1234
  status:
    phase: Running
kind: List
metadata:
  resourceVersion: ""
`;

const MULTI_DOC = `# namespaces first
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
---
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  annotations:
    linkerd.io/inject: enabled
---
`;

// A ConfigMap whose 13 nested aliases expand to 2^13 strings: more than the reader allows.
const ALIAS_BOMB = (() => {
  const aliases = ['a: &a [x, x]'];
  for (let i = 1; i <= 12; i++) {
    const name = String.fromCharCode(97 + i);
    const prev = String.fromCharCode(96 + i);
    aliases.push(`${name}: &${name} [*${prev}, *${prev}]`);
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\ndata:\n  ${aliases.join(
    '\n  ',
  )}`;
})();

describe('ManifestsDirSource', () => {
  it('reads multi-document files, kubectl Lists and nested directories, in name order', async () => {
    await write('00-namespaces.yaml', MULTI_DOC);
    await write('shop/checkout.yml', KUBECTL_LIST);
    await write(
      'payments/deep/er/payments.json',
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'payments', namespace: 'payments' },
      }),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(result.problems).toEqual([]);
    expect(names(result.objects)).toEqual([
      'Namespace/shop',
      'Namespace/payments',
      'Deployment/payments',
      'Deployment/checkout',
      'Pod/checkout-6b7f9c8d5-x2k9p',
    ]);
    expect(result.requests).toBe(3);
    // Fields other than the common metadata pass through untouched.
    const deployment = result.objects.find(
      o => o.metadata.name === 'checkout',
    )!;
    expect(deployment.spec).toEqual({ replicas: 2 });
    expect(result.objects[0].metadata.labels).toEqual({
      'istio-injection': 'enabled',
    });
  });

  it('ignores files that are not YAML or JSON', async () => {
    await write('README.md', '# not a manifest: {{ broken');
    await write('notes.txt', 'kind: Namespace');
    await write('kustomization.yaml.bak', 'garbage: [');
    await write('ns.yaml', MULTI_DOC);

    const result = await new ManifestsDirSource(dir).fetch();

    expect(result.problems).toEqual([]);
    expect(names(result.objects)).toEqual([
      'Namespace/shop',
      'Namespace/payments',
    ]);
    expect(result.requests).toBe(1);
  });

  it('skips a malformed YAML document, keeps the rest of its file, and names the file and line', async () => {
    await write('good.yaml', MULTI_DOC);
    // The first document is fine; the second (from line 6) has a nested mapping on line 9.
    await write(
      'shop/broken.yaml',
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        '  name: half-read',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: half: read',
        '  namespace: shop',
        '',
      ].join('\n'),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual([
      'Namespace/shop',
      'Namespace/payments',
      'Namespace/half-read',
    ]);
    expect(result.problems).toHaveLength(1);
    // The location names the document (it starts on line 6), the message the error.
    expect(result.problems).toEqual([
      {
        location: path.join('shop', 'broken.yaml:6'),
        message: expect.stringMatching(/^document skipped: .*line 9/),
      },
    ]);
  });

  it('reports the line of a tab-indentation error', async () => {
    await write(
      'tabs.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n\tname: tabbed\n',
    );
    const result = await new ManifestsDirSource(dir).fetch();
    expect(result.objects).toEqual([]);
    expect(result.problems).toEqual([
      {
        location: 'tabs.yaml:1',
        message: expect.stringMatching(/^document skipped: .*line 4/),
      },
    ]);
  });

  it('skips an object missing metadata.name with its location, and keeps the others', async () => {
    await write(
      'pods.yaml',
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: ok-pod',
        '  namespace: shop',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  namespace: shop',
        '',
      ].join('\n'),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual(['Pod/ok-pod']);
    expect(result.problems).toEqual([
      {
        location: 'pods.yaml:7',
        message: expect.stringContaining('metadata.name'),
      },
    ]);
    expect(result.problems[0].message).toMatch(/^object skipped: /);
  });

  it('names the List item that is invalid, at the line the item starts', async () => {
    await write(
      'list.yaml',
      KUBECTL_LIST.replace('    name: checkout-6b7f9c8d5-x2k9p\n', ''),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual(['Deployment/checkout']);
    expect(result.problems).toEqual([
      {
        // line 12 is `- apiVersion: v1` of the Pod item
        location: 'list.yaml:12 (items[1])',
        message: expect.stringContaining('metadata.name'),
      },
    ]);
  });

  it('skips a file whose aliases expand without bound, and reads the others', async () => {
    const aliases = ['a: &a [x, x]'];
    for (let i = 1; i <= 12; i++) {
      const name = String.fromCharCode(97 + i);
      const prev = String.fromCharCode(96 + i);
      aliases.push(`${name}: &${name} [*${prev}, *${prev}]`);
    }
    await write('good.yaml', MULTI_DOC);
    await write(
      'bomb.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  ${aliases.join(
        '\n  ',
      )}\n`,
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual([
      'Namespace/shop',
      'Namespace/payments',
    ]);
    expect(result.problems).toEqual([
      {
        location: 'bomb.yaml:1',
        message: expect.stringMatching(/^document skipped: .*alias/i),
      },
    ]);
  });

  it('keeps the good documents of a file when one document is malformed YAML', async () => {
    await write('good.yaml', MULTI_DOC);
    await write(
      'shop/mixed.yaml',
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: first',
        '---',
        '- not',
        '- an object',
        '---',
        '# the unclosed flow mapping below is line 10',
        'apiVersion: v1',
        'kind: Pod',
        'metadata: { a: [',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: last',
        '',
      ].join('\n'),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual([
      'Namespace/shop',
      'Namespace/payments',
      'Pod/first',
      'Pod/last',
    ]);
    expect(result.problems).toEqual([
      {
        location: path.join('shop', 'mixed.yaml:6'),
        message: expect.stringMatching(/^object skipped: /),
      },
      {
        location: path.join('shop', 'mixed.yaml:10'),
        message: expect.stringMatching(/^document skipped: .*line 13/),
      },
    ]);
  });

  it('keeps the other documents of a file when one cannot be converted', async () => {
    await write(
      'cm.yaml',
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: before',
        '---',
        ALIAS_BOMB.replace('NAME', 'bomb'),
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: after',
        '',
      ].join('\n'),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual([
      'ConfigMap/before',
      'ConfigMap/after',
    ]);
    expect(result.problems).toEqual([
      {
        location: 'cm.yaml:6',
        message: expect.stringMatching(/^document skipped: .*alias/i),
      },
    ]);
  });

  it('keeps the other items of a List when one item cannot be converted', async () => {
    const bomb = ALIAS_BOMB.replace('NAME', 'bomb')
      .split('\n')
      .map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`))
      .join('\n');
    await write(
      'list.yaml',
      [
        'apiVersion: v1',
        'kind: List',
        'items:',
        '- apiVersion: v1',
        '  kind: ConfigMap',
        '  metadata:',
        '    name: before',
        bomb,
        '- apiVersion: v1',
        '  kind: ConfigMap',
        '  metadata:',
        '    name: after',
        '',
      ].join('\n'),
    );

    const result = await new ManifestsDirSource(dir).fetch();

    expect(names(result.objects)).toEqual([
      'ConfigMap/before',
      'ConfigMap/after',
    ]);
    expect(result.problems).toEqual([
      {
        location: 'list.yaml:8 (items[1])',
        message: expect.stringMatching(/^object skipped: .*alias/i),
      },
    ]);
  });

  it('skips a file that cannot be read, names it, and reads the others', async () => {
    await write('a.yaml', MULTI_DOC);
    await write('b.yaml', 'kind: Namespace\n');
    await write(
      'c.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: c\n',
    );
    // Root may read a mode-000 file, so the failure is injected at the read itself.
    const unreadable = path.join(dir, 'b.yaml');
    const realReadFile = fs.readFile;
    const spy = jest
      .spyOn(fs, 'readFile')
      .mockImplementation((file, options) =>
        file === unreadable
          ? Promise.reject(
              Object.assign(
                new Error(`EACCES: permission denied, open '${unreadable}'`),
                { code: 'EACCES' },
              ),
            )
          : realReadFile(file, options),
      );
    try {
      const result = await new ManifestsDirSource(dir).fetch();

      expect(names(result.objects)).toEqual([
        'Namespace/shop',
        'Namespace/payments',
        'Namespace/c',
      ]);
      expect(result.problems).toEqual([
        {
          location: 'b.yaml',
          message: expect.stringMatching(/^file skipped: .*EACCES/),
        },
      ]);
      expect(result.requests).toBe(3);
    } finally {
      spy.mockRestore();
    }
  });

  it('reads an empty directory as no objects', async () => {
    const result = await new ManifestsDirSource(dir).fetch();
    expect(result).toEqual({ objects: [], problems: [], requests: 0 });
  });

  it('rejects with a clear message when the directory is missing', async () => {
    const missing = path.join(dir, 'does-not-exist');
    await expect(new ManifestsDirSource(missing).fetch()).rejects.toThrow(
      `cannot read manifests directory ${missing}`,
    );
    await expect(new ManifestsDirSource(missing).fetch()).rejects.toThrow(
      /ENOENT/,
    );
  });

  describe('Secrets', () => {
    const PEM_B64 = Buffer.from(
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    ).toString('base64');
    const KEY_B64 = Buffer.from(
      '-----BEGIN EC PRIVATE KEY-----\nsecret\n-----END EC PRIVATE KEY-----\n',
    ).toString('base64');
    // `kubectl get secrets -A -o yaml`, as a user might export a whole cluster.
    const secrets = (issuerNamespace: string) => `apiVersion: v1
items:
- apiVersion: v1
  kind: Secret
  metadata:
    name: linkerd-identity-issuer
    namespace: ${issuerNamespace}
    uid: 7d1c9e4a-3b2f-4c6d-8e5a-0f1e2d3c4b5a
    resourceVersion: "88231"
    creationTimestamp: "2026-01-10T08:00:00Z"
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: '{"data":{"key.pem":"${KEY_B64}"}}'
  type: Opaque
  data:
    crt.pem: ${PEM_B64}
    key.pem: ${KEY_B64}
- apiVersion: v1
  kind: Secret
  metadata:
    name: db-password
    namespace: shop
    uid: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
    resourceVersion: "90110"
    creationTimestamp: "2026-02-01T08:00:00Z"
  type: Opaque
  data:
    password: aHVudGVyMg==
kind: List
metadata:
  resourceVersion: ""
`;

    it.each([
      {
        what: 'in the default Linkerd namespace',
        files: { 'secrets.yaml': secrets('linkerd') },
        options: {},
      },
      {
        what: "in the namespace of the directory's linkerd-config",
        files: {
          'secrets.yaml': secrets('linkerd-cp'),
          'config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: linkerd-config
  namespace: linkerd-cp
data:
  values: |
    linkerdVersion: edge-25.9.1
`,
        },
        options: {},
      },
      {
        what: 'in the configured Linkerd namespace',
        files: { 'secrets.yaml': secrets('l5d') },
        options: { linkerdNamespace: 'l5d' },
      },
    ])(
      "keeps only Linkerd's issuer Secret $what, reduced to its certificate",
      async ({ files, options }) => {
        for (const [file, text] of Object.entries(files)) {
          await write(file, text);
        }
        const result = await new ManifestsDirSource(dir, options).fetch();
        const kept = result.objects.filter(o => o.kind === 'Secret');
        expect(kept.map(o => [o.metadata.name, o.data])).toEqual([
          ['linkerd-identity-issuer', { 'crt.pem': PEM_B64 }],
        ]);
        expect(kept[0].metadata.annotations).toBeUndefined();
        expect(JSON.stringify(result.objects)).not.toContain(KEY_B64);
        expect(JSON.stringify(result.objects)).not.toContain('aHVudGVyMg==');
        expect(result.problems).toEqual([]);
      },
    );

    it('drops an issuer-named Secret outside the Linkerd namespace', async () => {
      await write('secrets.yaml', secrets('shop'));
      const result = await new ManifestsDirSource(dir).fetch();
      expect(result.objects.filter(o => o.kind === 'Secret')).toEqual([]);
    });

    it('keeps a stringData certificate, encoded as the API stores it', async () => {
      await write(
        'issuer.yaml',
        `apiVersion: v1
kind: Secret
metadata:
  name: linkerd-identity-issuer
  namespace: linkerd
type: kubernetes.io/tls
stringData:
  tls.crt: |
    -----BEGIN CERTIFICATE-----
    MIIB
    -----END CERTIFICATE-----
  tls.key: |
    -----BEGIN EC PRIVATE KEY-----
    secret
    -----END EC PRIVATE KEY-----
`,
      );
      const result = await new ManifestsDirSource(dir).fetch();
      const [issuer] = result.objects;
      expect(issuer.data).toEqual({ 'tls.crt': PEM_B64 });
      expect(issuer).not.toHaveProperty('stringData');
      expect(JSON.stringify(result.objects)).not.toContain('PRIVATE KEY');
    });
  });

  it('describes itself by its directory', () => {
    expect(new ManifestsDirSource('/srv/manifests').description).toBe(
      'manifests directory /srv/manifests',
    );
  });
});

describe('parseManifestText', () => {
  it.each([
    ['an empty file', ''],
    ['only comments', '# nothing here\n'],
    ['only separators', '---\n---\n'],
  ])('reads %s as no objects and no problems', (_why, text) => {
    expect(parseManifestText(text, 'f.yaml')).toEqual({
      objects: [],
      problems: [],
    });
  });

  it.each([
    ['a string', '"just text"', 'object'],
    ['a list with no kind', '- a\n- b\n', 'object'],
    [
      'an object without apiVersion',
      'kind: Pod\nmetadata:\n  name: x\n',
      'apiVersion',
    ],
    [
      'labels that are not strings',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    replicas: 3\n',
      'metadata.labels.replicas',
    ],
  ])('skips %s as an object problem', (_why, text, path_) => {
    const result = parseManifestText(text, 'f.yaml');
    expect(result.objects).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].location).toBe('f.yaml:1');
    expect(result.problems[0].message).toContain(path_);
  });

  it('gives the line of each document', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {}\n---\n\n# second\napiVersion: v1\nkind: Pod\nmetadata: {}\n';
    const result = parseManifestText(text, 'two.yaml');
    expect(result.problems.map(p => p.location)).toEqual([
      'two.yaml:1',
      'two.yaml:7',
    ]);
  });

  it('accepts kubectl nulls for labels and annotations', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: null\n  annotations: ~\n';
    const result = parseManifestText(text, 'f.yaml');
    expect(result.problems).toEqual([]);
    expect(result.objects).toHaveLength(1);
  });
});

describe('objects whose labels break the Kubernetes syntax rules', () => {
  it.each([
    [
      'a value with a space',
      'app: "check out"',
      "metadata.labels.app: label value 'check out' is not valid",
    ],
    ['a value too long', `app: ${'x'.repeat(64)}`, 'at most 63 characters'],
    [
      'a key with a bad prefix',
      '"Example.COM/app": checkout',
      "label key prefix 'Example.COM' is not a DNS subdomain",
    ],
  ])(
    'skips the object with %s and says which label',
    (_what, label, message) => {
      const text = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: bad',
        '  namespace: shop',
        '  labels:',
        `    ${label}`,
        '',
      ].join('\n');
      const { objects, problems } = parseManifestText(text, 'pods.yaml');
      expect(objects).toEqual([]);
      expect(problems).toEqual([
        { location: 'pods.yaml:1', message: expect.stringContaining(message) },
      ]);
    },
  );
});
