import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  deploymentWithPods,
  linkerdProxy,
  namespace,
} from '../../../__testUtils__/fixtures';
import { ruleInput, yamlObjects } from '../../../__testUtils__/validation';
import { sidecarRules } from './sidecars';

const sidecar = (name: string, selector = '') =>
  yamlObjects(`
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: ${name}, namespace: shop, creationTimestamp: "2026-01-0${name.length}T00:00:00Z" }
spec:
  ${selector}
  egress: [{ hosts: ["./*"] }]
`);
const app = deploymentWithPods('checkout', 'shop', { meshedPods: 1 });
const NS = namespace('shop', { labels: { 'istio-injection': 'enabled' } });

describe('sidecarRules', () => {
  it.each<{ what: string; objects: KubeObject[]; codes: string[] }>([
    { what: 'one Sidecar', objects: [...app, ...sidecar('a')], codes: [] },
    {
      what: 'two Sidecars selecting the workload',
      objects: [
        ...app,
        ...sidecar('a', 'workloadSelector: { labels: { app: checkout } }'),
        ...sidecar('bb', 'workloadSelector: { labels: { app: checkout } }'),
      ],
      codes: ['IST0110'],
    },
    {
      what: 'two selector-less Sidecars in the namespace',
      objects: [...app, ...sidecar('a'), ...sidecar('bb')],
      codes: ['IST0111'],
    },
    {
      what: 'two selector-less Sidecars, but the workload is on Linkerd',
      objects: [
        ...deploymentWithPods('checkout', 'shop', {
          meshedPods: 1,
          proxy: linkerdProxy(),
        }),
        ...sidecar('a'),
        ...sidecar('bb'),
      ],
      codes: [],
    },
  ])('$what', ({ objects, codes }) => {
    const findings = sidecarRules(ruleInput({ objects: [NS, ...objects] }));
    expect(findings.map(f => f.code)).toEqual(codes);
    for (const f of findings) {
      expect(f.level).toBe('error');
      expect(f.fix).toMatch(
        /kubectl delete sidecar.networking.istio.io \w+ -n shop/,
      );
    }
  });
});
