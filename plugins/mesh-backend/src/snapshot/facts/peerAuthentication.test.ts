import { EffectiveMtlsFacts } from '@mesh-readiness/plugin-mesh-node';
import { object, objects } from './__testUtils__/objects';
import { peerAuthenticationFacts, resolveMtls } from './peerAuthentication';

/** A PeerAuthentication as `kubectl get peerauthentication -o yaml` prints it. */
const pa = (
  namespace: string,
  name: string,
  spec: string,
  created = '2025-01-10T08:00:00Z',
) => `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${namespace}
  creationTimestamp: "${created}"
  generation: 1
  resourceVersion: "48211"
  uid: 0b8f3c52-8f1e-4a53-9d2e-${name.padEnd(12, '0').slice(0, 12)}
spec:
${spec}
---`;

const ref = (namespace: string, name: string) => ({
  kind: 'PeerAuthentication',
  group: 'security.istio.io',
  namespace,
  name,
});

const meshStrict = pa('istio-system', 'default', '  mtls:\n    mode: STRICT');
const cartLabels = [{ app: 'cart', version: 'v1' }];

describe('resolveMtls', () => {
  const cases: Array<{
    name: string;
    yaml: string;
    namespace?: string;
    root?: string;
    want: Partial<EffectiveMtlsFacts>;
  }> = [
    {
      name: 'no policy: Istio default PERMISSIVE',
      yaml: '',
      want: { mode: 'PERMISSIVE', level: 'default', chain: [], ports: [] },
    },
    {
      name: 'mesh-wide STRICT in the root namespace',
      yaml: meshStrict,
      want: {
        mode: 'STRICT',
        level: 'mesh',
        decidedBy: ref('istio-system', 'default'),
      },
    },
    {
      name: 'namespace PERMISSIVE overrides mesh STRICT',
      yaml: meshStrict + pa('shop', 'default', '  mtls:\n    mode: PERMISSIVE'),
      want: {
        mode: 'PERMISSIVE',
        level: 'namespace',
        decidedBy: ref('shop', 'default'),
      },
    },
    {
      name: 'namespace policy without mtls (UNSET) inherits mesh STRICT',
      yaml: meshStrict + pa('shop', 'default', '  {}'),
      want: {
        mode: 'STRICT',
        level: 'mesh',
        decidedBy: ref('istio-system', 'default'),
        chain: [
          {
            level: 'mesh',
            ref: ref('istio-system', 'default'),
            mode: 'STRICT',
          },
          { level: 'namespace', ref: ref('shop', 'default'), mode: 'UNSET' },
        ],
      },
    },
    {
      name: 'workload selector DISABLE overrides namespace STRICT',
      yaml:
        pa('shop', 'default', '  mtls:\n    mode: STRICT') +
        pa(
          'shop',
          'cart-legacy',
          '  selector:\n    matchLabels:\n      app: cart\n  mtls:\n    mode: DISABLE',
        ),
      want: {
        mode: 'DISABLE',
        level: 'workload',
        decidedBy: ref('shop', 'cart-legacy'),
      },
    },
    {
      name: 'a selector that matches other pods does not apply',
      yaml:
        meshStrict +
        pa(
          'shop',
          'web',
          '  selector:\n    matchLabels:\n      app: web\n  mtls:\n    mode: DISABLE',
        ),
      want: { mode: 'STRICT', level: 'mesh' },
    },
    {
      name: 'a policy in another namespace does not apply',
      yaml: pa('billing', 'default', '  mtls:\n    mode: STRICT'),
      want: { mode: 'PERMISSIVE', level: 'default' },
    },
    {
      name: 'portLevelMtls on a workload policy: port DISABLE, port UNSET inherits',
      yaml:
        pa('shop', 'default', '  mtls:\n    mode: STRICT') +
        pa(
          'shop',
          'cart-metrics',
          `  selector:
    matchLabels:
      app: cart
  portLevelMtls:
    "9090":
      mode: DISABLE
    "8080":
      mode: UNSET`,
        ),
      want: {
        mode: 'STRICT',
        level: 'namespace',
        ports: [
          {
            port: 8080,
            mode: 'STRICT',
            level: 'namespace',
            decidedBy: ref('shop', 'default'),
          },
          {
            port: 9090,
            mode: 'DISABLE',
            level: 'port',
            decidedBy: ref('shop', 'cart-metrics'),
          },
        ],
      },
    },
    {
      name: 'two namespace-wide policies: the oldest wins, the other is ignored',
      yaml:
        pa(
          'shop',
          'newer',
          '  mtls:\n    mode: PERMISSIVE',
          '2025-03-01T00:00:00Z',
        ) +
        pa(
          'shop',
          'older',
          '  mtls:\n    mode: STRICT',
          '2024-06-01T00:00:00Z',
        ),
      want: {
        mode: 'STRICT',
        decidedBy: ref('shop', 'older'),
        ignored: [ref('shop', 'newer')],
      },
    },
    {
      name: 'a workload in the root namespace: its policy is mesh-level only',
      yaml: meshStrict,
      namespace: 'istio-system',
      want: {
        mode: 'STRICT',
        level: 'mesh',
        chain: [
          {
            level: 'mesh',
            ref: ref('istio-system', 'default'),
            mode: 'STRICT',
          },
        ],
      },
    },
    {
      name: 'a custom root namespace from the mesh config',
      yaml:
        meshStrict +
        pa('istio-config', 'default', '  mtls:\n    mode: DISABLE'),
      root: 'istio-config',
      want: {
        mode: 'DISABLE',
        level: 'mesh',
        decidedBy: ref('istio-config', 'default'),
      },
    },
  ];
  it.each(cases)('$name', ({ yaml, namespace, root, want }) => {
    const policies = objects(yaml).map(peerAuthenticationFacts);
    const got = resolveMtls(
      policies,
      namespace ?? 'shop',
      namespace ? [{ app: 'istiod' }] : cartLabels,
      root ?? 'istio-system',
    );
    expect(got).toMatchObject(want);
  });
});

describe('peerAuthenticationFacts', () => {
  it('reads selector, mode, port overrides and age', () => {
    const facts = peerAuthenticationFacts(
      object(
        pa(
          'shop',
          'cart',
          '  selector:\n    matchLabels:\n      app: cart\n  mtls:\n    mode: STRICT\n  portLevelMtls:\n    15021:\n      mode: PERMISSIVE',
        ),
      ),
    );
    expect(facts).toEqual({
      ref: ref('shop', 'cart'),
      selector: { app: 'cart' },
      mode: 'STRICT',
      portLevelMtls: [{ port: 15021, mode: 'PERMISSIVE' }],
      createdAt: '2025-01-10T08:00:00Z',
    });
  });

  it.each([
    ['  mtls:\n    mode: STRICTEST', /mode 'STRICTEST' is unknown/],
    [
      '  portLevelMtls:\n    http:\n      mode: DISABLE',
      /portLevelMtls key 'http'/,
    ],
  ])('refuses %j', (spec, message) => {
    expect(() =>
      peerAuthenticationFacts(object(pa('shop', 'x', spec))),
    ).toThrow(message);
  });
});
