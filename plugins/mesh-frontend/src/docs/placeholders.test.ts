import {
  fillTemplate,
  isDns1123Label,
  isDns1123Subdomain,
  toGuideTarget,
  toKubectlKind,
} from './placeholders';

describe('Kubernetes name rules', () => {
  it('accepts DNS-1123 labels only', () => {
    expect(isDns1123Label('shop')).toBe(true);
    expect(isDns1123Label('shop-eu-1')).toBe(true);
    expect(isDns1123Label('a'.repeat(63))).toBe(true);
    expect(isDns1123Label('a'.repeat(64))).toBe(false);
    expect(isDns1123Label('Shop')).toBe(false);
    expect(isDns1123Label('-shop')).toBe(false);
    expect(isDns1123Label('shop.eu')).toBe(false);
    expect(isDns1123Label('')).toBe(false);
    expect(isDns1123Label(undefined)).toBe(false);
  });

  it('accepts DNS-1123 subdomains for workload names', () => {
    expect(isDns1123Subdomain('checkout')).toBe(true);
    expect(isDns1123Subdomain('checkout.v2')).toBe(true);
    expect(isDns1123Subdomain('checkout..v2')).toBe(false);
    expect(isDns1123Subdomain('x; rm -rf /')).toBe(false);
    expect(isDns1123Subdomain('$(whoami)')).toBe(false);
  });

  it('maps workload kinds to kubectl resources', () => {
    expect(toKubectlKind('Deployment')).toBe('deployment');
    expect(toKubectlKind('StatefulSet')).toBe('statefulset');
    expect(toKubectlKind('DaemonSet')).toBe('daemonset');
    expect(toKubectlKind('CronJob')).toBeUndefined();
    expect(toKubectlKind('deployment; ls')).toBeUndefined();
  });
});

describe('fillTemplate', () => {
  const template =
    'kubectl patch {kind} {workload} -n {namespace} -p \'{"spec":{}}\' # {cluster} {revision} {service}';

  it('fills valid names and leaves other braces alone', () => {
    const target = toGuideTarget({
      cluster: 'prod-eu',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'checkout',
    });
    expect(fillTemplate(template, target)).toBe(
      'kubectl patch deployment checkout -n shop -p \'{"spec":{}}\' # prod-eu {revision} {service}',
    );
  });

  it('keeps jsonpath expressions intact', () => {
    const jsonpath =
      'kubectl get pods -n {namespace} -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\n"}{end}\'';
    expect(fillTemplate(jsonpath, { namespace: 'shop' })).toBe(
      'kubectl get pods -n shop -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\n"}{end}\'',
    );
  });

  it('falls back to the placeholder for anything invalid', () => {
    const target = toGuideTarget({
      cluster: 'prod eu',
      namespace: 'Shop',
      kind: 'CronJob',
      name: 'x && curl evil',
    });
    expect(target).toEqual({});
    expect(fillTemplate(template, target)).toBe(template);
    // values are re-validated even when the target was built by hand
    expect(
      fillTemplate('{namespace}/{workload}/{kind}', {
        namespace: 'a;b',
        workload: '`id`',
        kind: 'Pod',
      }),
    ).toBe('{namespace}/{workload}/{kind}');
  });

  it('leaves every placeholder without a workload', () => {
    expect(fillTemplate(template, toGuideTarget(undefined))).toBe(template);
  });
});
