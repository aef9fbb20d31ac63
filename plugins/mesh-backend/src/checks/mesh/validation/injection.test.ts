import { deploymentWithPods, namespace } from '../../../__testUtils__/fixtures';
import { ruleInput } from '../../../__testUtils__/validation';
import { injectionRules } from './injection';

describe('injectionRules', () => {
  it.each<{ labels: Record<string, string>; codes: string[]; says?: string }>([
    { labels: { 'istio-injection': 'enabled' }, codes: [] },
    { labels: { 'istio.io/rev': 'canary' }, codes: [] },
    { labels: {}, codes: [] },
    {
      labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' },
      codes: ['IST0123'],
      says: "injected by the default revision, not by 'canary'",
    },
    {
      labels: { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' },
      codes: ['IST0123'],
      says: 'no pod is injected',
    },
  ])('namespace labels $labels', ({ labels, codes, says }) => {
    const findings = injectionRules(
      ruleInput({
        objects: [
          namespace('shop', { labels }),
          ...deploymentWithPods('checkout', 'shop'),
        ],
      }),
    );
    expect(findings.map(f => f.code)).toEqual(codes);
    expect(findings.map(f => f.message).join()).toContain(says ?? '');
    for (const f of findings) {
      expect(f.level).toBe('warning');
      expect(f.object).toEqual({ kind: 'Namespace', name: 'shop' });
      expect(f.fix).toContain('kubectl label namespace shop istio-injection-');
    }
  });
});
