import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  container,
  deployment,
  istioProxy,
  linkerdProxy,
  namespace,
  pod,
} from '../../../__testUtils__/fixtures';
import { ruleInput } from '../../../__testUtils__/validation';
import { securityContextRules } from './securityContext';

const NS = namespace('shop', { labels: { 'istio-injection': 'enabled' } });

function app(
  uid: number | undefined,
  proxy = istioProxy(),
  podLevel = false,
): KubeObject {
  const p = pod('checkout-1', 'shop', {
    labels: { app: 'checkout' },
    containers: [
      {
        ...container('checkout'),
        ...(uid !== undefined && !podLevel
          ? { securityContext: { runAsUser: uid } }
          : {}),
      },
      proxy,
    ],
  });
  if (podLevel && uid !== undefined)
    (p.spec as Record<string, unknown>).securityContext = { runAsUser: uid };
  return p;
}

describe('securityContextRules', () => {
  it.each<{ what: string; objects: KubeObject[]; codes: string[] }>([
    { what: 'an app running as UID 1000', objects: [app(1000)], codes: [] },
    { what: 'an app with no UID set', objects: [app(undefined)], codes: [] },
    {
      what: 'an app container running as 1337',
      objects: [app(1337)],
      codes: ['IST0144'],
    },
    {
      what: 'a pod running as 1337 (pod securityContext)',
      objects: [app(1337, istioProxy(), true)],
      codes: ['IST0144'],
    },
    {
      what: 'a Linkerd pod running as 1337 (not reserved there)',
      objects: [app(1337, linkerdProxy())],
      codes: [],
    },
  ])('$what', ({ objects, codes }) => {
    const findings = securityContextRules(
      ruleInput({ objects: [NS, ...objects] }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) {
      expect(f.level).toBe('warning');
      expect(f.fix).toContain('"runAsUser":1000');
    }
  });

  it('reads the template of a workload with no pods yet', () => {
    const d = deployment('checkout', 'shop');
    const spec = (d.spec as any).template.spec;
    spec.containers[0].securityContext = { runAsUser: 1337 };
    const findings = securityContextRules(ruleInput({ objects: [NS, d] }));
    expect(findings.map(f => f.object)).toEqual([
      { kind: 'Deployment', namespace: 'shop', name: 'checkout' },
    ]);
  });
});
