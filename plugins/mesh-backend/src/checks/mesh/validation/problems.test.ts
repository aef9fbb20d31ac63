import { deploymentWithPods, namespace } from '../../../__testUtils__/fixtures';
import { ruleInput, yamlObjects } from '../../../__testUtils__/validation';
import { problemRules } from './problems';

const base = [
  namespace('shop', { labels: { 'istio-injection': 'enabled' } }),
  namespace('other'),
  ...deploymentWithPods('checkout', 'shop', { meshedPods: 1 }),
];

describe('problemRules', () => {
  it.each<{ what: string; yaml: string; codes: string[] }>([
    {
      what: 'a malformed Istio object in the namespace',
      yaml: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: broken, namespace: shop }
spec: { subsets: [] }`,
      codes: ['IST0106'],
    },
    {
      what: 'a malformed Linkerd object in the namespace',
      yaml: `
apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: { name: broken, namespace: shop }
spec: { podSelector: {} }`,
      codes: ['MALFORMED'],
    },
    {
      what: 'a malformed object in another namespace',
      yaml: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: broken, namespace: other }
spec: {}`,
      codes: [],
    },
    {
      what: 'well-formed objects',
      yaml: `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: fine, namespace: shop }
spec: { host: checkout }`,
      codes: [],
    },
  ])('$what', ({ yaml, codes }) => {
    const findings = problemRules(
      ruleInput({ objects: [...base, ...yamlObjects(yaml)] }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) {
      expect(f.level).toBe('warning');
      expect(f.object).toMatchObject({ namespace: 'shop', name: 'broken' });
      expect(f.fix).toContain('-n shop -o yaml');
    }
  });
});
