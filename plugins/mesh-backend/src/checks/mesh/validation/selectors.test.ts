import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import { deploymentWithPods, namespace } from '../../../__testUtils__/fixtures';
import { ruleInput, yamlObjects } from '../../../__testUtils__/validation';
import { selectorRules } from './selectors';

const base: KubeObject[] = [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  namespace('istio-system'),
  ...deploymentWithPods('checkout', 'shop', { meshedPods: 1 }),
  ...deploymentWithPods('cart', 'shop', { meshedPods: 1, hash: 'c4r7' }),
];

const policy = (kind: string, group: string, selector: string, ns = 'shop') =>
  yamlObjects(`
apiVersion: ${group}/v1
kind: ${kind}
metadata: { name: p, namespace: ${ns} }
spec:
  ${selector}
`);

describe('selectorRules', () => {
  it.each<{ what: string; objects: KubeObject[]; codes: string[] }>([
    {
      what: 'a PeerAuthentication selecting another workload of the namespace',
      objects: policy(
        'PeerAuthentication',
        'security.istio.io',
        'selector: { matchLabels: { app: cart } }',
      ),
      codes: [],
    },
    {
      what: 'a PeerAuthentication selecting nothing',
      objects: policy(
        'PeerAuthentication',
        'security.istio.io',
        'selector: { matchLabels: { app: chekout } }',
      ),
      codes: ['IST0127/KIA0004'],
    },
    {
      what: 'an AuthorizationPolicy selecting nothing',
      objects: policy(
        'AuthorizationPolicy',
        'security.istio.io',
        'selector: { matchLabels: { app: gone } }',
      ),
      codes: ['IST0127/KIA0004'],
    },
    {
      what: 'a Sidecar selecting nothing',
      objects: policy(
        'Sidecar',
        'networking.istio.io',
        'workloadSelector: { labels: { app: gone } }',
      ),
      codes: ['IST0127/KIA0004'],
    },
    {
      what: 'a DestinationRule workloadSelector selecting nothing',
      objects: policy(
        'DestinationRule',
        'networking.istio.io',
        'host: checkout\n  workloadSelector: { matchLabels: { app: gone } }',
      ),
      codes: ['IST0127/KIA0004'],
    },
    {
      what: 'a selector-less policy (namespace-wide)',
      objects: policy(
        'PeerAuthentication',
        'security.istio.io',
        'mtls: { mode: STRICT }',
      ),
      codes: [],
    },
    {
      what: 'a dangling selector in another namespace',
      objects: [
        namespace('other'),
        ...policy(
          'PeerAuthentication',
          'security.istio.io',
          'selector: { matchLabels: { app: gone } }',
          'other',
        ),
      ],
      codes: [],
    },
  ])('$what', ({ objects, codes }) => {
    const findings = selectorRules(
      ruleInput({ objects: [...base, ...objects] }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) {
      expect(f.level).toBe('warning');
      expect(f.fix).toContain('kubectl get pods -n shop --show-labels');
    }
  });
});
