import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import {
  DEFAULT_CHECK_SETTINGS,
  KubeObject,
} from '@mesh-readiness/plugin-mesh-node';
import { contextFor, metrics, snapshot } from '../../__testUtils__/fixtures';
import {
  checkoutApp,
  manyServices,
  run,
  sidecarObject,
} from '../../__testUtils__/workloadChecks';
import { sidecarConfigScopeCheck } from './configScope';

const BIG = manyServices(51);

describe('sidecar.config-scope', () => {
  it.each<{
    what: string;
    objects: KubeObject[];
    status: CheckStatus;
    summary: string;
    remediation?: string;
  }>([
    {
      what: 'a namespace Sidecar restricts egress',
      objects: [
        ...checkoutApp('istio'),
        ...BIG,
        sidecarObject('default', 'shop', ['./*', 'istio-system/*']),
      ],
      status: 'pass',
      summary: 'Sidecar shop/default limits egress to ./*, istio-system/*',
    },
    {
      what: 'a workload Sidecar restricts egress',
      objects: [
        ...checkoutApp('istio'),
        ...BIG,
        sidecarObject('checkout', 'shop', ['./*'], { app: 'checkout' }),
      ],
      status: 'pass',
      summary: 'limits egress',
    },
    {
      what: 'a mesh-wide Sidecar in the root namespace restricts egress',
      objects: [
        ...checkoutApp('istio'),
        ...BIG,
        sidecarObject('default', 'istio-system', ['./*', 'istio-system/*']),
      ],
      status: 'pass',
      summary: 'Sidecar istio-system/default',
    },
    {
      what: 'no Sidecar in a big cluster',
      objects: [...checkoutApp('istio'), ...BIG],
      status: 'warn',
      summary:
        'no Sidecar resource applies, so its proxy receives config for all 51 Services',
      remediation: '        - "./*"\n        - "istio-system/*"',
    },
    {
      what: 'a Sidecar that imports */* in a big cluster',
      objects: [
        ...checkoutApp('istio'),
        ...BIG,
        sidecarObject('default', 'shop', ['*/*']),
      ],
      status: 'warn',
      summary: 'Sidecar shop/default imports every namespace (egress */*)',
      remediation: 'kind: Sidecar',
    },
    {
      what: 'no Sidecar in a small cluster',
      objects: [...checkoutApp('istio'), ...manyServices(3)],
      status: 'pass',
      summary: 'the cluster is small (3 Services, threshold 50)',
    },
    {
      what: 'two selector-less Sidecars in the namespace',
      objects: [
        ...checkoutApp('istio'),
        sidecarObject('a', 'shop', ['./*']),
        sidecarObject('b', 'shop', ['./*']),
      ],
      status: 'warn',
      summary: 'several Sidecars apply at namespace level',
      remediation: 'kubectl delete sidecar.networking.istio.io',
    },
    {
      what: 'Linkerd',
      objects: [...checkoutApp('linkerd'), ...BIG],
      status: 'not-applicable',
      summary: 'Linkerd',
    },
    {
      what: 'Istio ambient',
      objects: [...checkoutApp('ambient'), ...BIG],
      status: 'not-applicable',
      summary: 'ambient',
    },
    {
      what: 'not meshed',
      objects: [...checkoutApp('none'), ...BIG],
      status: 'not-applicable',
      summary: 'Not in the mesh',
    },
  ])('$what → $status', ({ objects, status, summary, remediation }) => {
    const out = run(sidecarConfigScopeCheck, objects);
    expect(out.status).toBe(status);
    expect(out.summary).toContain(summary);
    expect(out.remediation ?? '').toContain(remediation ?? '');
    expect(Boolean(out.remediation)).toBe(status === 'warn');
  });

  it('adds the namespaces the workload calls, from its outbound reports', () => {
    const data = metrics({}, '5m', {
      istioSourceRequests: [
        {
          source: 'shop/checkout',
          destinationService: 'payments/pay',
          protocol: 'http',
          code: '200',
          responseFlags: '-',
          rate: 3,
        },
      ],
    });
    const out = run(
      sidecarConfigScopeCheck,
      [...checkoutApp('istio'), ...BIG],
      data,
    );
    expect(out.remediation).toContain('"payments/*"');
  });

  it('reads the threshold from the settings', () => {
    const objects = [...checkoutApp('istio'), ...manyServices(10)];
    const snap = [snapshot('prod', objects)];
    const selector = {
      'backstage.io/kubernetes-label-selector': 'app=checkout',
    };
    expect(
      sidecarConfigScopeCheck.evaluate(contextFor(snap, selector)).status,
    ).toBe('pass');
    const strict = contextFor(snap, selector, '5m', {
      checks: { ...DEFAULT_CHECK_SETTINGS, sidecarScope: { minServices: 5 } },
    });
    expect(sidecarConfigScopeCheck.evaluate(strict).status).toBe('warn');
  });
});
