import { PodDisruptionBudgetFacts } from '@mesh-readiness/plugin-mesh-node';
import { object } from './__testUtils__/objects';
import { pdbFacts } from './pdbs';

const pdb = (spec: string, status = '') =>
  object(`
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: cart
  namespace: shop
  creationTimestamp: "2025-01-10T08:00:00Z"
  resourceVersion: "1234"
  uid: 3f1c2f7e-0000-4000-8000-000000000001
spec:
${spec}
${status}`);

const ref = {
  kind: 'PodDisruptionBudget',
  group: 'policy',
  namespace: 'shop',
  name: 'cart',
};

describe('pdbFacts', () => {
  const cases: Array<{
    name: string;
    spec: string;
    status?: string;
    want: Partial<PodDisruptionBudgetFacts>;
  }> = [
    {
      name: 'integer minAvailable',
      spec: `  minAvailable: 1
  selector:
    matchLabels:
      app: cart`,
      want: {
        minAvailable: 1,
        selector: { matchLabels: { app: 'cart' }, matchExpressions: [] },
      },
    },
    {
      name: 'percent maxUnavailable stays a string',
      spec: `  maxUnavailable: 25%
  selector:
    matchLabels:
      app: cart`,
      want: { maxUnavailable: '25%' },
    },
    {
      name: 'no selector selects no pod (policy/v1): selector absent',
      spec: '  minAvailable: 1',
      want: { minAvailable: 1, selector: undefined },
    },
    {
      name: 'empty selector selects every pod',
      spec: `  maxUnavailable: 1
  selector: {}`,
      want: { selector: { matchLabels: {}, matchExpressions: [] } },
    },
    {
      name: 'status counts and unhealthyPodEvictionPolicy',
      spec: `  minAvailable: 2
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchExpressions:
    - key: app
      operator: In
      values: [cart]`,
      status: `status:
  currentHealthy: 2
  desiredHealthy: 2
  disruptionsAllowed: 0
  expectedPods: 2
  observedGeneration: 1`,
      want: {
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        disruptionsAllowed: 0,
        currentHealthy: 2,
        desiredHealthy: 2,
        expectedPods: 2,
      },
    },
  ];
  it.each(cases)('$name', ({ spec, status, want }) => {
    const facts = pdbFacts(pdb(spec, status));
    expect(facts.ref).toEqual(ref);
    for (const [k, v] of Object.entries(want)) {
      expect(facts[k as keyof PodDisruptionBudgetFacts]).toEqual(v);
    }
  });

  it.each([
    ['  minAvailable: half\n  selector: {}', /minAvailable 'half'/],
    ['  minAvailable: "1"\n  selector: {}', /minAvailable '1'/],
    ['  maxUnavailable: -1\n  selector: {}', /maxUnavailable '-1'/],
  ])('refuses %j (neither a count nor a percentage)', (spec, message) => {
    expect(() => pdbFacts(pdb(spec))).toThrow(message);
  });
});
