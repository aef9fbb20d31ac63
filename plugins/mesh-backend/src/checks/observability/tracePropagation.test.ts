import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import {
  DEFAULT_CHECK_SETTINGS,
  NormalizedTrace,
} from '@mesh-readiness/plugin-mesh-node';
import {
  contextFor,
  deploymentWithPods,
  linkerdProxy,
  namespace,
  reportFor,
  entity,
  snapshot,
} from '../../__testUtils__/fixtures';
import {
  HopKind,
  HopMesh,
  hops,
  tracingOutcome,
} from '../../__testUtils__/propagation';
import { waypoint } from '../../__testUtils__/security';
import { tracePropagationCheck } from './tracePropagation';

type Mesh = HopMesh | 'ambient-no-waypoint' | 'none';

function objects(mesh: Mesh) {
  const ambient = mesh === 'waypoint' || mesh === 'ambient-no-waypoint';
  let ns = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
  if (mesh === 'linkerd') {
    ns = namespace('shop', { annotations: { 'linkerd.io/inject': 'enabled' } });
  } else if (ambient) {
    ns = namespace('shop', {
      labels: {
        'istio.io/dataplane-mode': 'ambient',
        ...(mesh === 'waypoint' ? { 'istio.io/use-waypoint': 'waypoint' } : {}),
      },
    });
  }
  const sidecar = mesh === 'istio' || mesh === 'linkerd';
  return [
    ns,
    ...(mesh === 'waypoint' ? [waypoint('waypoint', 'shop')] : []),
    ...deploymentWithPods('checkout', 'shop', {
      pods: 1,
      meshedPods: sidecar ? 1 : 0,
      proxy: mesh === 'linkerd' ? linkerdProxy() : undefined,
      ...(ambient
        ? { podAnnotations: { 'ambient.istio.io/redirection': 'enabled' } }
        : {}),
    }),
  ];
}

function evaluate(
  mesh: Mesh,
  traces: NormalizedTrace[] | undefined,
  settings: { minSamples?: number; link?: string } = {},
) {
  return tracePropagationCheck.evaluate(
    contextFor(
      [
        snapshot(
          'prod',
          objects(mesh),
          traces ? { tracing: tracingOutcome(traces) } : {},
        ),
      ],
      undefined,
      '5m',
      {
        checks: {
          ...DEFAULT_CHECK_SETTINGS,
          tracePropagation: { minSamples: settings.minSamples ?? 20 },
          links: settings.link ? { tracing: settings.link } : {},
        },
      },
    ),
  );
}

describe('observability.trace-propagation', () => {
  it('is the trace-propagation check, gated on the tracing source', () => {
    expect(tracePropagationCheck.definition.id).toBe(
      'observability.trace-propagation',
    );
    expect(tracePropagationCheck.definition.sources).toContain('tracing');
  });

  it.each<{
    what: string;
    mesh: Mesh;
    counts?: Partial<Record<HopKind, number>>;
    minSamples?: number;
    status: CheckStatus;
    summary: RegExp;
    ratio?: number | null;
  }>([
    {
      what: 'Istio, every hand-off carried',
      mesh: 'istio',
      counts: { ok: 25 },
      status: 'pass',
      summary: /100\.0% of 25/,
      ratio: 1,
    },
    {
      what: 'Istio, 1 of 100 new roots',
      mesh: 'istio',
      counts: { ok: 99, 'new-root': 1 },
      status: 'pass',
      summary: /99\.0% of 100/,
      ratio: 0.99,
    },
    {
      what: 'Istio, 2 of 100 new roots',
      mesh: 'istio',
      counts: { ok: 98, 'new-root': 2 },
      status: 'warn',
      summary: /breaks trace context on 2 of 100.*2 new traces/,
      ratio: 0.98,
    },
    {
      what: 'Istio, every outbound span a new root',
      mesh: 'istio',
      counts: { 'new-root': 25 },
      status: 'fail',
      summary: /25 of 25 .*propagation 0\.0%/,
      ratio: 0,
    },
    {
      what: 'Istio, 3 of 25 detached',
      mesh: 'istio',
      counts: { ok: 22, detached: 3 },
      status: 'fail',
      summary: /3 detached/,
      ratio: 0.88,
    },
    {
      what: 'Linkerd, all carried',
      mesh: 'linkerd',
      counts: { ok: 20 },
      status: 'pass',
      summary: /of 20 outbound/,
      ratio: 1,
    },
    {
      what: 'Linkerd, 1 of 20 detached',
      mesh: 'linkerd',
      counts: { ok: 19, detached: 1 },
      status: 'warn',
      summary: /1 of 20/,
      ratio: 0.95,
    },
    {
      what: 'waypoint, all carried',
      mesh: 'waypoint',
      counts: { ok: 20 },
      status: 'pass',
      summary: /of 20/,
      ratio: 1,
    },
    {
      what: 'waypoint, half new roots',
      mesh: 'waypoint',
      counts: { ok: 10, 'new-root': 10 },
      status: 'fail',
      summary: /10 of 20/,
      ratio: 0.5,
    },
    {
      what: 'async FOLLOWS_FROM hops are not counted',
      mesh: 'istio',
      counts: { ok: 20, async: 30 },
      status: 'pass',
      summary: /of 20/,
      ratio: 1,
    },
    {
      what: 'too few samples',
      mesh: 'istio',
      counts: { ok: 5, 'new-root': 5 },
      status: 'unknown',
      summary: /Only 10 outbound hand-off.*fewer than the 20/,
      ratio: 0.5,
    },
    {
      what: 'a lower minSamples judges them',
      mesh: 'istio',
      counts: { ok: 5, 'new-root': 5 },
      minSamples: 10,
      status: 'fail',
      summary: /5 of 10/,
    },
    {
      what: 'only async outbound spans',
      mesh: 'istio',
      counts: { async: 3 },
      status: 'unknown',
      summary: /async .* none can be judged/,
      ratio: null,
    },
    {
      what: 'no outbound calls',
      mesh: 'istio',
      counts: { 'inbound-only': 30 },
      status: 'not-applicable',
      summary: /makes no outbound calls in 30 sampled/,
      ratio: null,
    },
    {
      what: 'no trace has its spans',
      mesh: 'istio',
      counts: {},
      status: 'unknown',
      summary: /^No sampled trace contains a proxy span/,
    },
    {
      what: 'ambient without a waypoint',
      mesh: 'ambient-no-waypoint',
      counts: { ok: 30 },
      status: 'not-applicable',
      summary: /ztunnel .* emits no spans/,
    },
    {
      what: 'not in the mesh',
      mesh: 'none',
      counts: { ok: 30 },
      status: 'not-applicable',
      summary: /not in the mesh/,
    },
  ])(
    '$what → $status',
    ({ mesh, counts, minSamples, status, summary, ratio }) => {
      const traceMesh: HopMesh =
        mesh === 'none' || mesh === 'ambient-no-waypoint' ? 'istio' : mesh;
      const out = evaluate(mesh, hops(traceMesh, counts ?? {}), { minSamples });
      expect(out.status).toBe(status);
      expect(out.summary).toMatch(summary);
      expect(out.summary.length).toBeGreaterThanOrEqual(20);
      expect(
        ratio === undefined || out.evidence.propagationRatio === ratio,
      ).toBe(true);
      expect(Boolean(out.remediation)).toBe(
        status === 'warn' || status === 'fail',
      );
    },
  );

  it('unknown when the cluster has no tracing data for the workload', () => {
    const out = evaluate('istio', undefined);
    expect(out.status).toBe('unknown');
    expect(out.summary).toMatch(
      /^No tracing back end answered for cluster 'prod'/,
    );
  });

  it('the registry makes it unknown when tracing is not configured, even for an unmeshed entity', () => {
    const report = reportFor(
      entity('checkout', {
        'backstage.io/kubernetes-label-selector': 'app=checkout',
      }),
      [snapshot('prod', objects('none'))],
      '5m',
      undefined,
      [tracePropagationCheck],
    );
    const check = report.checks.find(
      c => c.id === 'observability.trace-propagation',
    );
    expect(check?.status).toBe('unknown');
    expect(check?.summary).toMatch(
      /No tracing .* configured for cluster 'prod'/,
    );
  });

  it('evidence: examples with links, downstream services, counts per workload', () => {
    const out = evaluate(
      'istio',
      hops('istio', { ok: 20, 'new-root': 4, detached: 3 }),
      { link: 'https://jaeger.example.com/trace/{traceId}?uiEmbed=v0' },
    );
    expect(out.status).toBe('fail');
    const evidence = out.evidence as any;
    expect(evidence.ok).toBe(20);
    expect(evidence.broken).toBe(7);
    expect(evidence.examples).toHaveLength(5);
    expect(evidence.examples[0]).toEqual({
      traceId: expect.stringMatching(/^0{28}b[0-9a-f]{3}$/),
      reason: 'new-root',
      link: expect.stringMatching(
        /^https:\/\/jaeger\.example\.com\/trace\/0+b[0-9a-f]+\?uiEmbed=v0$/,
      ),
      downstream: 'payments.shop.svc.cluster.local',
    });
    expect(evidence.downstreamAffected).toEqual([
      'payments.shop.svc.cluster.local',
    ]);
    expect(evidence.workloads).toEqual([
      expect.objectContaining({
        workload: 'prod/shop/Deployment/checkout',
        brokenNewRoot: 4,
        brokenDetached: 3,
        status: 'fail',
      }),
    ]);
  });

  it('remediation: Istio lists x-request-id and x-b3-*; Linkerd only W3C/B3', () => {
    const istio = evaluate('istio', hops('istio', { 'new-root': 20 }));
    expect(istio.remediation).toMatch(
      /traceparent, tracestate, x-request-id, x-b3-traceid/,
    );
    expect(istio.remediation).toMatch(/Deployment shop\/checkout/);
    expect(istio.remediation).toMatch(/payments\.shop\.svc\.cluster\.local/);
    expect(istio.remediation).toMatch(/Micrometer Tracing/);
    expect(istio.remediation).toMatch(/OpenTelemetry/);
    const linkerd = evaluate('linkerd', hops('linkerd', { detached: 20 }));
    expect(linkerd.status).toBe('fail');
    expect(linkerd.remediation).toMatch(/traceparent, tracestate/);
    expect(linkerd.remediation).not.toMatch(/x-request-id/);
    expect((linkerd.evidence as any).downstreamAffected).toEqual([
      'payments.shop',
    ]);
  });

  it('counts only proxy spans: app client spans around the hop are not classified', () => {
    const traces = hops('istio', { ok: 20 });
    // Every trace already carries app client spans (service `checkout`); add a root app
    // span with no proxy under it: it must not count as a broken hand-off.
    traces.push({
      traceId: 'f'.repeat(32),
      spans: [
        {
          traceId: 'f'.repeat(32),
          spanId: 'f'.repeat(16),
          kind: 'client',
          service: 'checkout',
          name: 'GET /cron',
          isProxy: false,
          attributes: { 'k8s.pod.name': 'checkout-6b7f9c8d5-p0' },
        },
      ],
    });
    const out = evaluate('istio', traces);
    expect(out.status).toBe('pass');
    expect(out.evidence.broken).toBe(0);
  });
});
