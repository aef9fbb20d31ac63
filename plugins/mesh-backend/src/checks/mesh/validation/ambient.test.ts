import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  deploymentWithPods,
  namespace,
  service,
} from '../../../__testUtils__/fixtures';
import { ruleInput, yamlObjects } from '../../../__testUtils__/validation';
import { ambientRules } from './ambient';

const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };
const REDIRECTED = { 'ambient.istio.io/redirection': 'enabled' };
const WAYPOINT = yamlObjects(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: waypoint, namespace: shop, labels: { istio.io/waypoint-for: service } }
spec:
  gatewayClassName: istio-waypoint
  listeners: [{ name: mesh, port: 15008, protocol: HBONE }]
`);

describe('ambientRules', () => {
  it.each<{
    what: string;
    nsLabels: Record<string, string>;
    objects: KubeObject[];
    codes: string[];
  }>([
    {
      what: 'an ambient workload using an existing waypoint',
      nsLabels: { ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' },
      objects: [
        ...WAYPOINT,
        ...deploymentWithPods('checkout', 'shop', {
          podAnnotations: REDIRECTED,
        }),
      ],
      codes: [],
    },
    {
      what: 'a sidecar workload in a sidecar namespace',
      nsLabels: { 'istio-injection': 'enabled' },
      objects: deploymentWithPods('checkout', 'shop', { meshedPods: 1 }),
      codes: [],
    },
    {
      what: 'a namespace labelled for both sidecar injection and ambient',
      nsLabels: { ...AMBIENT, 'istio-injection': 'enabled' },
      objects: deploymentWithPods('checkout', 'shop', { meshedPods: 1 }),
      codes: ['KIA1311', 'KIA1316'],
    },
    {
      what: 'a waypoint named for a workload that is not in ambient',
      nsLabels: { 'istio-injection': 'enabled' },
      objects: [
        ...WAYPOINT,
        {
          ...service('checkout', 'shop', { app: 'checkout' }),
          metadata: {
            name: 'checkout',
            namespace: 'shop',
            labels: { 'istio.io/use-waypoint': 'waypoint' },
          },
        },
        ...deploymentWithPods('checkout', 'shop', { meshedPods: 1 }),
      ],
      codes: ['KIA1312'],
    },
    {
      what: 'a waypoint that does not exist',
      nsLabels: { ...AMBIENT, 'istio.io/use-waypoint': 'gone' },
      objects: deploymentWithPods('checkout', 'shop', {
        podAnnotations: REDIRECTED,
      }),
      codes: ['KIA1313'],
    },
    {
      what: 'pods with a sidecar that are also redirected to ztunnel',
      nsLabels: { 'istio-injection': 'enabled' },
      objects: deploymentWithPods('checkout', 'shop', {
        meshedPods: 1,
        podAnnotations: REDIRECTED,
      }),
      codes: ['KIA1314'],
    },
    {
      what: 'pods with a sidecar labelled for ambient',
      nsLabels: { 'istio-injection': 'enabled' },
      objects: deploymentWithPods('checkout', 'shop', {
        meshedPods: 1,
        templateLabels: { app: 'checkout', ...AMBIENT },
      }),
      codes: ['KIA1315'],
    },
    {
      what: 'a sidecar workload in an ambient namespace',
      nsLabels: AMBIENT,
      objects: deploymentWithPods('checkout', 'shop', {
        meshedPods: 1,
        templateLabels: { app: 'checkout', 'sidecar.istio.io/inject': 'true' },
      }),
      codes: ['KIA1316'],
    },
    {
      what: 'a sidecar workload that opts out of the ambient namespace',
      nsLabels: AMBIENT,
      objects: deploymentWithPods('checkout', 'shop', {
        meshedPods: 1,
        templateLabels: { app: 'checkout', 'istio.io/dataplane-mode': 'none' },
      }),
      codes: [],
    },
  ])('$what', ({ nsLabels, objects, codes }) => {
    const findings = ambientRules(
      ruleInput({
        objects: [namespace('shop', { labels: nsLabels }), ...objects],
      }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) expect(f.fix).toContain('shop');
  });

  it('calls a pod captured twice an error and a missing waypoint an error', () => {
    const twice = ambientRules(
      ruleInput({
        objects: [
          namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
          ...deploymentWithPods('checkout', 'shop', {
            meshedPods: 1,
            podAnnotations: REDIRECTED,
          }),
        ],
      }),
    );
    expect(twice[0].level).toBe('error');
    const missing = ambientRules(
      ruleInput({
        objects: [
          namespace('shop', {
            labels: { ...AMBIENT, 'istio.io/use-waypoint': 'gone' },
          }),
          ...deploymentWithPods('checkout', 'shop', {
            podAnnotations: REDIRECTED,
          }),
        ],
      }),
    );
    expect(missing[0]).toMatchObject({ level: 'error' });
    expect(missing[0].fix).toContain(
      'istioctl waypoint apply -n shop --name gone',
    );
  });
});
