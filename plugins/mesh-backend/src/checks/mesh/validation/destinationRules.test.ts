import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  deploymentWithPods,
  namespace,
  service,
} from '../../../__testUtils__/fixtures';
import {
  ruleInput,
  sourceRequest,
  yamlObjects,
} from '../../../__testUtils__/validation';
import { destinationRuleRules } from './destinationRules';

const SHOP = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const checkout = (version: string, name = `checkout-${version}`) =>
  deploymentWithPods(name, 'shop', {
    pods: 1,
    meshedPods: 1,
    templateLabels: { app: 'checkout', version },
    hash: `h${version}`,
  });
const base: KubeObject[] = [
  SHOP,
  service('checkout', 'shop', { app: 'checkout' }),
  ...checkout('v1'),
  ...checkout('v2'),
];

const dr = (spec: string, name = 'checkout', ns = 'shop') =>
  yamlObjects(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${ns} }
spec:
${spec}
`);

describe('destinationRuleRules', () => {
  it.each<{
    what: string;
    objects: KubeObject[];
    codes: string[];
  }>([
    {
      what: 'every subset selects pods behind the Service (of any of its workloads)',
      objects: dr(`
  host: checkout
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }`),
      codes: [],
    },
    {
      what: 'a subset selects no pod',
      objects: dr(`
  host: checkout.shop.svc.cluster.local
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v3, labels: { version: v3 } }`),
      codes: ['IST0173/KIA0203'],
    },
    {
      what: "a subset's labels match pods that the Service does not select",
      objects: [
        ...deploymentWithPods('other', 'shop', {
          templateLabels: { app: 'other', version: 'v9' },
        }),
        ...dr(`
  host: checkout
  subsets:
    - { name: v9, labels: { version: v9 } }`),
      ],
      codes: ['IST0173/KIA0203'],
    },
    {
      what: 'a wildcard rule whose subset no route sends this Service to',
      objects: dr(`
  host: "*.shop.svc.cluster.local"
  subsets:
    - { name: canary, labels: { track: canary } }`),
      codes: [],
    },
    {
      what: 'a wildcard rule whose subset a route sends this Service to',
      objects: [
        ...dr(`
  host: "*.shop.svc.cluster.local"
  subsets:
    - { name: canary, labels: { track: canary } }`),
        ...yamlObjects(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: checkout, namespace: shop }
spec:
  hosts: [checkout]
  http:
    - route:
        - destination: { host: checkout, subset: canary }
`),
      ],
      codes: ['IST0173/KIA0203'],
    },
    {
      what: 'a rule of the namespace whose host matches nothing',
      objects: dr(
        `
  host: payments`,
        'payments',
      ),
      codes: ['IST0174/KIA0202'],
    },
    {
      what: 'a rule whose host is a ServiceEntry host',
      objects: [
        ...dr(
          `
  host: api.stripe.com`,
          'stripe',
        ),
        ...yamlObjects(`
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: stripe, namespace: egress }
spec:
  hosts: ["*.stripe.com"]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
`),
      ],
      codes: [],
    },
    {
      what: 'a rule written with the name.namespace short form',
      objects: dr(
        `
  host: checkout.shop`,
        'short',
      ),
      codes: [],
    },
    {
      what: "a dangling rule whose workloadSelector selects another workload (not this team's)",
      objects: dr(
        `
  host: payments
  workloadSelector: { matchLabels: { app: other } }`,
        'payments',
      ),
      codes: [],
    },
    {
      what: 'a dangling rule whose workloadSelector selects this workload',
      objects: dr(
        `
  host: payments
  workloadSelector: { matchLabels: { app: checkout } }`,
        'payments',
      ),
      codes: ['IST0174/KIA0202'],
    },
    {
      what: 'a dangling rule in another namespace',
      objects: [
        namespace('other'),
        ...dr(
          `
  host: payments`,
          'payments',
          'other',
        ),
      ],
      codes: [],
    },
  ])('$what', ({ objects, codes }) => {
    const findings = destinationRuleRules(
      ruleInput({ objects: [...base, ...objects] }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
  });

  it('names the subset, the labels the pods carry, and the proxy view', () => {
    const [finding] = destinationRuleRules(
      ruleInput({
        objects: [
          ...base,
          ...dr(`
  host: checkout
  subsets: [{ name: v3, labels: { version: v3 } }]`),
        ],
      }),
    );
    expect(finding).toMatchObject({
      level: 'error',
      object: {
        kind: 'DestinationRule',
        namespace: 'shop',
        name: 'checkout',
        group: 'networking.istio.io',
      },
      details: {
        subset: 'v3',
        podsBehindService: 2,
        labelValuesCarried: { version: ['v1', 'v2'] },
      },
    });
    expect(finding.message).toContain("subset 'v3' (version=v3)");
    expect(finding.fix).toContain('version=v1|v2');
    expect(finding.fix).toContain(
      'outbound|80|v3|checkout.shop.svc.cluster.local',
    );
    expect(finding.fix).toContain(
      'kubectl edit destinationrule.networking.istio.io checkout -n shop',
    );
  });

  it("cross-checks the callers' 503 UH to the Service", () => {
    const [finding] = destinationRuleRules(
      ruleInput({
        objects: [
          ...base,
          ...dr(`
  host: checkout
  subsets: [{ name: v3, labels: { version: v3 } }]`),
        ],
        series: {
          istioSourceRequests: [
            sourceRequest('shop/checkout', { rate: 6 }),
            sourceRequest('shop/checkout', {
              code: '503',
              responseFlags: 'UH',
              rate: 2,
            }),
            sourceRequest('shop/elsewhere', {
              code: '503',
              responseFlags: 'UH',
              rate: 50,
            }),
          ],
        },
      }),
    );
    expect(finding.details?.observed).toEqual({
      requestsPerSecond: 8,
      uhRequestsPerSecond: 2,
    });
    expect(finding.message).toContain('2.00 req/s of 503 UH');
  });

  it('says so when there are no metrics to cross-check', () => {
    const [finding] = destinationRuleRules(
      ruleInput({
        objects: [
          ...base,
          ...dr(`
  host: checkout
  subsets: [{ name: v3, labels: { version: v3 } }]`),
        ],
        noPrometheus: true,
      }),
    );
    expect(finding.details?.observed).toBe(
      'no Prometheus data for this cluster',
    );
  });
});
