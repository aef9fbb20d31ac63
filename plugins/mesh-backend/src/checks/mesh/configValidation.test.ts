import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import {
  deploymentWithPods,
  namespace,
  service,
} from '../../__testUtils__/fixtures';
import {
  sourceRequest,
  validationContext,
  ValidationCluster,
  yamlObjects,
} from '../../__testUtils__/validation';
import { CheckRegistry } from '../registry';
import { configValidationCheck } from './configValidation';

const SHOP = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const meshed = deploymentWithPods('checkout', 'shop', { meshedPods: 1 });
const svc = service('checkout', 'shop', { app: 'checkout' });
const badSubset = yamlObjects(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: checkout, namespace: shop }
spec:
  host: checkout
  subsets: [{ name: v3, labels: { version: v3 } }]
`);
const danglingSelector = yamlObjects(`
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: strict, namespace: shop }
spec:
  selector: { matchLabels: { app: gone } }
  mtls: { mode: STRICT }
`);

const evaluate = (c: ValidationCluster) =>
  configValidationCheck.evaluate(validationContext(c));

describe('mesh.config-validation', () => {
  it('is the mesh.config-validation check, reading Kubernetes only', () => {
    expect(configValidationCheck.definition.id).toBe('mesh.config-validation');
    expect(configValidationCheck.definition.sources).toEqual(['kubernetes']);
  });

  it.each<{
    what: string;
    objects: KubeObject[];
    unavailable?: string[];
    status: string;
    summary: string;
    codes: string[];
  }>([
    {
      what: 'a meshed workload with clean configuration',
      objects: [SHOP, svc, ...meshed],
      status: 'pass',
      summary: 'No configuration problem found for 1 meshed workload',
      codes: [],
    },
    {
      what: 'a selector that matches nothing (warning)',
      objects: [SHOP, svc, ...meshed, ...danglingSelector],
      status: 'warn',
      summary: '1 warning(s): IST0127/KIA0004',
      codes: ['IST0127/KIA0004'],
    },
    {
      what: 'a subset with no pods next to a warning (error wins, listed first)',
      objects: [SHOP, svc, ...meshed, ...danglingSelector, ...badSubset],
      status: 'fail',
      summary: '1 error(s), 1 warning(s): IST0173/KIA0203',
      codes: ['IST0173/KIA0203', 'IST0127/KIA0004'],
    },
    {
      what: 'an Istio kind that could not be listed',
      objects: [SHOP, svc, ...meshed],
      unavailable: ['networking.istio.io/DestinationRule'],
      status: 'unknown',
      summary: 'cannot list destinationrules.networking.istio.io',
      codes: [],
    },
    {
      what: 'an error is reported even when another kind could not be listed',
      objects: [
        SHOP,
        svc,
        ...meshed,
        ...badSubset,
        ...deploymentWithPods('checkout-l5d', 'shop', {
          meshedPods: 1,
          templateLabels: { app: 'checkout', flavour: 'l5d' },
          proxy: {
            name: 'linkerd-proxy',
            image: 'cr.l5d.io/linkerd/proxy:edge-25.9.1',
          },
          hash: 'l5d',
        }),
      ],
      unavailable: ['policy.linkerd.io/Server'],
      status: 'fail',
      summary: 'IST0173/KIA0203',
      codes: ['IST0173/KIA0203'],
    },
    {
      what: 'a workload that is not meshed',
      objects: [
        namespace('shop'),
        svc,
        ...deploymentWithPods('checkout', 'shop'),
      ],
      status: 'not-applicable',
      summary: 'Not in the mesh',
      codes: [],
    },
    {
      what: 'a workload not meshed yet, in a namespace with both injection labels',
      objects: [
        namespace('shop', {
          labels: { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' },
        }),
        svc,
        ...deploymentWithPods('checkout', 'shop'),
        ...danglingSelector,
      ],
      status: 'warn',
      summary: 'IST0123',
      codes: ['IST0123'],
    },
  ])('$what: $status', ({ objects, unavailable, status, summary, codes }) => {
    const outcome = evaluate({ objects, unavailable });
    expect(outcome.status).toBe(status);
    expect(outcome.summary).toContain(summary);
    const findings = outcome.evidence.findings as { code: string }[];
    expect(findings.map(f => f.code)).toEqual(codes);
    // warn and fail carry the fixes, headed by the first finding's code.
    const remediated = status === 'warn' || status === 'fail';
    const firstLine = outcome.remediation?.split('\n')[0] ?? null;
    expect(firstLine?.includes(codes[0]) ?? null).toBe(
      remediated ? true : null,
    );
  });

  it('puts the findings, counts and observed 503 UH in the evidence', () => {
    const outcome = evaluate({
      objects: [SHOP, svc, ...meshed, ...badSubset],
      series: {
        istioSourceRequests: [
          sourceRequest('shop/checkout', {
            code: '503',
            responseFlags: 'UH',
            rate: 3,
          }),
        ],
      },
    });
    expect(outcome.evidence).toMatchObject({
      counts: { errors: 1, warnings: 0 },
      observed: { uhRequestsPerSecond: 3 },
      workloads: [
        {
          workload: 'prod/shop/Deployment/checkout',
          dataPlane: 'istio sidecar',
          findings: 1,
        },
      ],
      findings: [
        {
          code: 'IST0173/KIA0203',
          level: 'error',
          object: {
            kind: 'DestinationRule',
            namespace: 'shop',
            name: 'checkout',
          },
          workload: 'prod/shop/Deployment/checkout',
        },
      ],
    });
    expect(outcome.summary).toContain('3.00 req/s of 503 UH');
    expect(outcome.remediation).toContain(
      'kubectl edit destinationrule.networking.istio.io checkout -n shop',
    );
  });

  it('says when there were no metrics to cross-check', () => {
    const outcome = evaluate({
      objects: [SHOP, svc, ...meshed, ...badSubset],
      noPrometheus: true,
    });
    expect(outcome.evidence.observed).toContain('not cross-checked');
  });

  it('counts a namespace finding once for two workloads of the namespace', () => {
    const outcome = evaluate({
      objects: [
        namespace('shop', {
          labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' },
        }),
        ...deploymentWithPods('checkout', 'shop', {
          meshedPods: 1,
          templateLabels: { app: 'checkout', v: '1' },
        }),
        ...deploymentWithPods('checkout-b', 'shop', {
          meshedPods: 1,
          templateLabels: { app: 'checkout', v: '2' },
          hash: 'bbb',
        }),
      ],
    });
    expect(outcome.status).toBe('warn');
    expect(outcome.evidence.counts).toEqual({ errors: 0, warnings: 1 });
  });

  it('is unknown through the registry when Services could not be listed', () => {
    const ctx = validationContext({
      objects: [SHOP, svc, ...meshed],
      unavailable: ['Service'],
    });
    const result = new CheckRegistry()
      .run(ctx)
      .find(r => r.id === 'mesh.config-validation')!;
    expect(result.status).toBe('unknown');
    expect(result.summary).toContain('cannot list');
  });
});
