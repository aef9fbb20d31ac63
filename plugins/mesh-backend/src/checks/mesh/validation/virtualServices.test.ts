import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  deploymentWithPods,
  namespace,
  service,
} from '../../../__testUtils__/fixtures';
import { ruleInput, yamlObjects } from '../../../__testUtils__/validation';
import { virtualServiceRules } from './virtualServices';

const base: KubeObject[] = [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  namespace('web'),
  service('checkout', 'shop', { app: 'checkout' }),
  ...deploymentWithPods('checkout', 'shop', { meshedPods: 1 }),
];

const vs = (route: string, hosts = '[checkout]', ns = 'shop', name = 'vs') =>
  yamlObjects(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${ns} }
spec:
  hosts: ${hosts}
  http:
    - route:
${route}
`);
const drV1 = (exportTo = '') =>
  yamlObjects(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: checkout, namespace: shop }
spec:
  host: checkout
  ${exportTo}
  subsets: [{ name: v1, labels: { app: checkout } }]
`);

describe('virtualServiceRules', () => {
  it.each<{ what: string; objects: KubeObject[]; codes: string[] }>([
    {
      what: 'routes to existing hosts and defined subsets',
      objects: [
        ...drV1(),
        ...vs('        - destination: { host: checkout, subset: v1 }'),
      ],
      codes: [],
    },
    {
      what: "a route of this workload's host to a host that does not exist",
      objects: vs('        - destination: { host: checkout-v2 }'),
      codes: ['IST0101/KIA1101'],
    },
    {
      what: 'a route to a subset no DestinationRule defines',
      objects: [
        ...drV1(),
        ...vs('        - destination: { host: checkout, subset: v2 }'),
      ],
      codes: ['KIA1107/IST0101'],
    },
    {
      what: 'a route to a subset whose DestinationRule is not exported to the route',
      objects: [
        ...drV1('exportTo: ["."]'),
        ...vs(
          '        - destination: { host: checkout.shop.svc.cluster.local, subset: v1 }',
          '[shop.example.com]',
          'web',
        ),
      ],
      codes: ['KIA1107/IST0101'],
    },
    {
      what: 'a route to an external host a wildcard ServiceEntry registers',
      objects: [
        ...vs('        - destination: { host: api.stripe.com }'),
        ...yamlObjects(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: stripe, namespace: shop }
spec:
  hosts: ["*.stripe.com"]
  ports: [{ number: 443, name: tls, protocol: TLS }]
`),
      ],
      codes: [],
    },
    {
      what: 'a gateway route of the namespace whose every destination dangles',
      objects: vs(
        '        - destination: { host: gone }',
        '[shop.example.com]',
        'shop',
        'ingress',
      ),
      codes: ['IST0101/KIA1101'],
    },
    {
      what: "another namespace's route for its own host, to a host that does not exist",
      objects: [
        service('front', 'web', { app: 'front' }),
        ...vs('        - destination: { host: gone }', '[front]', 'web'),
      ],
      codes: [],
    },
  ])('$what', ({ objects, codes }) => {
    const findings = virtualServiceRules(
      ruleInput({ objects: [...base, ...objects] }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) expect(f.level).toBe('error');
  });

  it('proposes a ServiceEntry for an external host, and the subset for the existing rule', () => {
    const [host] = virtualServiceRules(
      ruleInput({
        objects: [
          ...base,
          ...vs(
            '        - destination: { host: api.partner.io, port: { number: 8443 } }',
          ),
        ],
      }),
    );
    expect(host.fix).toContain('kind: ServiceEntry');
    expect(host.fix).toContain('hosts: ["api.partner.io"]');
    const [subset] = virtualServiceRules(
      ruleInput({
        objects: [
          ...base,
          ...drV1(),
          ...vs('        - destination: { host: checkout, subset: v2 }'),
        ],
      }),
    );
    expect(subset.fix).toContain(
      "Add subset 'v2' to DestinationRule shop/checkout",
    );
  });
});
