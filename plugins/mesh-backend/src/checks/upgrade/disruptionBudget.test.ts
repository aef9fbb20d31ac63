import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  daemonSet,
  istioProxy,
  pod,
  statefulSetWithPods,
} from '../../__testUtils__/fixtures';
import {
  checkoutApp,
  ISTIO_NS,
  pdbObject,
  run,
  serviceObject,
} from '../../__testUtils__/workloadChecks';
import { allowedBySpec, disruptionBudgetCheck } from './disruptionBudget';

const SEL = { app: 'checkout' };
const app3 = checkoutApp('istio', { pods: 3 });

describe('upgrade.disruption-budget', () => {
  it.each([
    ['behind a Service: what the Service selects', true],
    ['with no Service: the template labels without the version', false],
  ])(
    'suggests a PDB that outlives the next version, %s',
    (_what, withService) => {
      const out = run(disruptionBudgetCheck, [
        ...checkoutApp('istio', {
          pods: 3,
          templateLabels: { ...SEL, version: 'v1', tier: 'web' },
        }),
        ...(withService
          ? [
              serviceObject('checkout', 'shop', { ...SEL, tier: 'web' }, [
                { name: 'http', port: 80 },
              ]),
            ]
          : []),
      ]);
      expect(out.status).toBe('warn');
      expect(out.remediation).toMatch(
        /matchLabels:\n {6}app: "checkout"\n {6}tier: "web"$/,
      );
    },
  );

  it.each<{
    what: string;
    objects: KubeObject[];
    status: CheckStatus;
    summary: string;
    remediation?: string;
  }>([
    {
      what: '3 replicas, maxUnavailable: 1',
      objects: [
        ...app3,
        pdbObject('checkout', 'shop', SEL, { maxUnavailable: 1 }),
      ],
      status: 'pass',
      summary: '3 replicas, PDB shop/checkout (maxUnavailable: 1) allows 1',
    },
    {
      what: '3 replicas, minAvailable: 50%, status allows 1',
      objects: [
        ...app3,
        pdbObject(
          'checkout',
          'shop',
          SEL,
          { minAvailable: '50%' },
          {
            disruptionsAllowed: 1,
            currentHealthy: 3,
            desiredHealthy: 2,
            expectedPods: 3,
          },
        ),
      ],
      status: 'pass',
      summary: 'allows 1 disruption',
    },
    {
      what: 'maxUnavailable: 0',
      objects: [
        ...app3,
        pdbObject('checkout', 'shop', SEL, { maxUnavailable: 0 }),
      ],
      status: 'fail',
      summary: 'allows no disruption',
      remediation: 'kubectl patch pdb checkout -n shop',
    },
    {
      what: 'minAvailable equal to replicas',
      objects: [
        ...app3,
        pdbObject('checkout', 'shop', SEL, { minAvailable: 3 }),
      ],
      status: 'fail',
      summary: '(minAvailable: 3) allows no disruption',
    },
    {
      what: 'minAvailable: 100%',
      objects: [
        ...app3,
        pdbObject('checkout', 'shop', SEL, { minAvailable: '100%' }),
      ],
      status: 'fail',
      summary: 'allows no disruption',
    },
    {
      what: 'two PDBs select the pods',
      objects: [
        ...app3,
        pdbObject('a', 'shop', SEL, { maxUnavailable: 1 }),
        pdbObject('b', 'shop', SEL, { maxUnavailable: 1 }),
      ],
      status: 'fail',
      summary: 'selected by 2 PDBs',
      remediation: 'kubectl delete pdb b -n shop',
    },
    {
      what: 'no PDB',
      objects: app3,
      status: 'warn',
      summary: 'has no PodDisruptionBudget',
      remediation: 'kind: PodDisruptionBudget',
    },
    {
      what: 'a PDB that lets everything go',
      objects: [
        ...app3,
        pdbObject('checkout', 'shop', SEL, { minAvailable: 0 }),
      ],
      status: 'warn',
      summary: 'protects nothing',
    },
    {
      what: 'spec allows one, status allows none right now',
      objects: [
        ...app3,
        pdbObject(
          'checkout',
          'shop',
          SEL,
          { maxUnavailable: 1 },
          {
            disruptionsAllowed: 0,
            currentHealthy: 1,
            desiredHealthy: 2,
            expectedPods: 3,
          },
        ),
      ],
      status: 'warn',
      summary: 'allows no disruption right now (1 of 3 pods healthy)',
    },
    {
      what: 'single-replica Deployment',
      objects: checkoutApp('istio', { pods: 1 }),
      status: 'warn',
      summary: 'runs 1 replica',
      remediation: 'kubectl scale deployment checkout -n shop --replicas=2',
    },
    {
      what: 'single-replica Deployment with minAvailable: 1',
      objects: [
        ...checkoutApp('istio', { pods: 1 }),
        pdbObject('checkout', 'shop', SEL, { minAvailable: 1 }),
      ],
      status: 'fail',
      summary: 'allows no disruption',
    },
    {
      what: 'single-replica StatefulSet',
      objects: [
        ISTIO_NS,
        ...statefulSetWithPods('checkout', 'shop', { pods: 1, meshedPods: 1 }),
      ],
      status: 'fail',
      summary: 'a StatefulSet deletes its only pod',
    },
    {
      what: 'a DaemonSet',
      objects: [
        ISTIO_NS,
        daemonSet('checkout', 'shop'),
        pod('checkout-x1', 'shop', {
          labels: SEL,
          owner: { kind: 'DaemonSet', name: 'checkout' },
          containers: [{ name: 'checkout', image: 'a:1' }, istioProxy()],
        }),
      ],
      status: 'not-applicable',
      summary: 'a DaemonSet rolls node by node',
    },
    {
      what: 'not meshed',
      objects: checkoutApp('none', { pods: 3 }),
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
  ])('$what → $status', ({ objects, status, summary, remediation }) => {
    const out = run(disruptionBudgetCheck, objects);
    expect(out.status).toBe(status);
    expect(out.summary).toContain(summary);
    expect(out.remediation ?? '').toContain(remediation ?? '');
    expect(Boolean(out.remediation)).toBe(['warn', 'fail'].includes(status));
  });

  it.each<[Record<string, number | string>, number, number]>([
    [{ maxUnavailable: '25%' }, 4, 1],
    [{ maxUnavailable: '30%' }, 4, 2],
    [{ minAvailable: '30%' }, 4, 2],
    [{ minAvailable: 5 }, 3, 0],
  ])('%j of %i replicas allows %i', (spec, replicas, allowed) => {
    expect(
      allowedBySpec(
        {
          ref: { kind: 'PodDisruptionBudget', namespace: 'n', name: 'p' },
          ...spec,
        },
        replicas,
      ),
    ).toBe(allowed);
  });
});
