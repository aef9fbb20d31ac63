import {
  InjectionIntent,
  NamespaceFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { decideInjection } from './injection';

const ns = (
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): NamespaceFacts => ({ name: 'shop', labels, annotations });

interface Case {
  name: string;
  namespace?: NamespaceFacts;
  podLabels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  hostNetwork?: boolean;
  intent?: InjectionIntent;
  optOut?: string;
}

// The injectors' rules: Istio sidecar webhook, Istio ambient labels, Linkerd's injector.
const cases: Case[] = [
  {
    name: 'namespace istio-injection=enabled injects a sidecar',
    namespace: ns({ 'istio-injection': 'enabled' }),
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio-injection=enabled',
    },
  },
  {
    name: 'namespace istio.io/rev selects a revision',
    namespace: ns({ 'istio.io/rev': 'canary' }),
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio.io/rev=canary',
    },
  },
  {
    name: 'the legacy istio-injection label wins over istio.io/rev',
    namespace: ns({ 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }),
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio-injection=enabled',
    },
  },
  {
    name: 'istio-injection=disabled wins over istio.io/rev (the rev webhook needs the legacy label absent)',
    namespace: ns({ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }),
    optOut: 'namespace label istio-injection=disabled',
  },
  {
    name: 'pod label sidecar.istio.io/inject=true injects in an unlabelled namespace',
    namespace: ns(),
    podLabels: { 'sidecar.istio.io/inject': 'true' },
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'pod label sidecar.istio.io/inject=true',
    },
  },
  {
    name: 'pod label sidecar.istio.io/inject=false opts out of an enabled namespace',
    namespace: ns({ 'istio-injection': 'enabled' }),
    podLabels: { 'sidecar.istio.io/inject': 'false' },
    optOut: 'pod label sidecar.istio.io/inject=false',
  },
  {
    name: 'the older pod annotation =false still opts out of an enabled namespace',
    namespace: ns({ 'istio-injection': 'enabled' }),
    podAnnotations: { 'sidecar.istio.io/inject': 'false' },
    optOut: 'pod annotation sidecar.istio.io/inject=false',
  },
  {
    name: 'the pod label overrides the annotation (label false, annotation true)',
    namespace: ns({ 'istio-injection': 'enabled' }),
    podLabels: { 'sidecar.istio.io/inject': 'false' },
    podAnnotations: { 'sidecar.istio.io/inject': 'true' },
    optOut: 'pod label sidecar.istio.io/inject=false',
  },
  {
    name: 'the pod label overrides the annotation (label true, annotation false)',
    namespace: ns(),
    podLabels: { 'sidecar.istio.io/inject': 'true' },
    podAnnotations: { 'sidecar.istio.io/inject': 'false' },
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'pod label sidecar.istio.io/inject=true',
    },
  },
  {
    name: 'namespace istio-injection=disabled wins over pod label inject=true (no webhook selects the pod)',
    namespace: ns({ 'istio-injection': 'disabled' }),
    podLabels: { 'sidecar.istio.io/inject': 'true' },
    optOut: 'namespace label istio-injection=disabled',
  },
  {
    name: 'the annotation alone does not inject: the webhook objectSelectors read only the label',
    namespace: ns(),
    podAnnotations: { 'sidecar.istio.io/inject': 'true' },
  },
  {
    name: 'an unknown inject value falls back to the namespace policy',
    namespace: ns({ 'istio-injection': 'enabled' }),
    podLabels: { 'sidecar.istio.io/inject': 'yes' },
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio-injection=enabled',
    },
  },
  {
    name: 'pod label istio.io/rev selects a revision when the namespace has no label',
    namespace: ns(),
    podLabels: { 'istio.io/rev': 'stable' },
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'pod label istio.io/rev=stable',
    },
  },
  {
    name: 'a namespace istio.io/rev wins over a pod istio.io/rev',
    namespace: ns({ 'istio.io/rev': 'canary' }),
    podLabels: { 'istio.io/rev': 'stable' },
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio.io/rev=canary',
    },
  },
  {
    name: 'namespace istio.io/dataplane-mode=ambient enrols pods in ambient',
    namespace: ns({ 'istio.io/dataplane-mode': 'ambient' }),
    intent: {
      provider: 'istio',
      dataPlane: 'ambient',
      via: 'namespace label istio.io/dataplane-mode=ambient',
    },
  },
  {
    name: 'pod istio.io/dataplane-mode=ambient enrols the pod in ambient',
    namespace: ns(),
    podLabels: { 'istio.io/dataplane-mode': 'ambient' },
    intent: {
      provider: 'istio',
      dataPlane: 'ambient',
      via: 'pod label istio.io/dataplane-mode=ambient',
    },
  },
  {
    name: 'sidecar injection takes precedence over an ambient namespace',
    namespace: ns({
      'istio-injection': 'enabled',
      'istio.io/dataplane-mode': 'ambient',
    }),
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio-injection=enabled',
    },
  },
  {
    name: 'istio.io/rev takes precedence over an ambient namespace',
    namespace: ns({
      'istio.io/rev': 'canary',
      'istio.io/dataplane-mode': 'ambient',
    }),
    intent: {
      provider: 'istio',
      dataPlane: 'sidecar',
      via: 'namespace label istio.io/rev=canary',
    },
  },
  {
    name: 'pod istio.io/dataplane-mode=none opts out of an ambient namespace',
    namespace: ns({ 'istio.io/dataplane-mode': 'ambient' }),
    podLabels: { 'istio.io/dataplane-mode': 'none' },
    optOut: 'pod label istio.io/dataplane-mode=none',
  },
  {
    name: 'other dataplane-mode values are treated as none (no intent)',
    namespace: ns({ 'istio.io/dataplane-mode': 'sidecar' }),
  },
  {
    name: 'namespace linkerd.io/inject=enabled injects the Linkerd proxy',
    namespace: ns({}, { 'linkerd.io/inject': 'enabled' }),
    intent: {
      provider: 'linkerd',
      dataPlane: 'sidecar',
      via: 'namespace annotation linkerd.io/inject=enabled',
    },
  },
  {
    name: 'pod linkerd.io/inject=ingress injects the Linkerd proxy in ingress mode',
    namespace: ns(),
    podAnnotations: { 'linkerd.io/inject': 'ingress' },
    intent: {
      provider: 'linkerd',
      dataPlane: 'sidecar',
      via: 'pod annotation linkerd.io/inject=ingress',
    },
  },
  {
    name: 'pod linkerd.io/inject=disabled opts out of a Linkerd namespace',
    namespace: ns({}, { 'linkerd.io/inject': 'enabled' }),
    podAnnotations: { 'linkerd.io/inject': 'disabled' },
    optOut: 'pod annotation linkerd.io/inject=disabled',
  },
  {
    name: 'linkerd.io/inject as a namespace LABEL is not what Linkerd reads',
    namespace: ns({ 'linkerd.io/inject': 'enabled' }),
  },
  {
    name: 'an unlabelled namespace gives no intent and no opt-out',
    namespace: ns(),
  },
  {
    name: 'an unknown namespace gives no intent and no opt-out',
    namespace: undefined,
  },
];

// No mesh takes a hostNetwork pod: Istio's injector and istio-cni skip it, and so does
// Linkerd's injector, whatever the labels and annotations say.
const HOST_NETWORK_OPT_OUT = 'hostNetwork pods are never meshed';
const hostNetworkCases: Case[] = [
  {
    name: 'Istio sidecar: namespace enabled and pod label inject=true',
    namespace: ns({ 'istio-injection': 'enabled' }),
    podLabels: { 'sidecar.istio.io/inject': 'true' },
  },
  {
    name: 'Istio ambient: namespace dataplane-mode=ambient',
    namespace: ns({ 'istio.io/dataplane-mode': 'ambient' }),
  },
  {
    name: 'Istio ambient: pod dataplane-mode=ambient',
    namespace: ns(),
    podLabels: { 'istio.io/dataplane-mode': 'ambient' },
  },
  {
    name: 'Linkerd: namespace linkerd.io/inject=enabled',
    namespace: ns({}, { 'linkerd.io/inject': 'enabled' }),
  },
  {
    name: 'Linkerd: pod linkerd.io/inject=ingress',
    namespace: ns(),
    podAnnotations: { 'linkerd.io/inject': 'ingress' },
  },
  {
    name: 'every mesh at once',
    namespace: ns(
      { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' },
      { 'linkerd.io/inject': 'enabled' },
    ),
  },
];

// Only `istio.io/dataplane-mode=none` opts a pod out of ambient; the sidecar opt-out
// does not (istio-cni skips pods that HAVE a sidecar, not pods that refuse one).
const ambientCases: Case[] = [
  {
    name: 'pod label sidecar.istio.io/inject=false',
    namespace: ns({ 'istio.io/dataplane-mode': 'ambient' }),
    podLabels: { 'sidecar.istio.io/inject': 'false' },
    intent: {
      provider: 'istio',
      dataPlane: 'ambient',
      via: 'namespace label istio.io/dataplane-mode=ambient',
    },
  },
  {
    name: 'pod annotation sidecar.istio.io/inject=false',
    namespace: ns({ 'istio.io/dataplane-mode': 'ambient' }),
    podAnnotations: { 'sidecar.istio.io/inject': 'false' },
    intent: {
      provider: 'istio',
      dataPlane: 'ambient',
      via: 'namespace label istio.io/dataplane-mode=ambient',
    },
  },
  {
    name: 'namespace istio-injection=disabled',
    namespace: ns({
      'istio-injection': 'disabled',
      'istio.io/dataplane-mode': 'ambient',
    }),
    intent: {
      provider: 'istio',
      dataPlane: 'ambient',
      via: 'namespace label istio.io/dataplane-mode=ambient',
    },
  },
  {
    name: 'pod label sidecar.istio.io/inject=false and dataplane-mode=none (both opt-outs listed)',
    namespace: ns({ 'istio.io/dataplane-mode': 'ambient' }),
    podLabels: {
      'sidecar.istio.io/inject': 'false',
      'istio.io/dataplane-mode': 'none',
    },
    optOut:
      'pod label sidecar.istio.io/inject=false; pod label istio.io/dataplane-mode=none',
  },
];

describe('decideInjection', () => {
  it.each(hostNetworkCases)('never meshes a hostNetwork pod ($name)', c => {
    const decision = decideInjection(
      c.namespace,
      c.podLabels ?? {},
      c.podAnnotations ?? {},
      true,
    );
    expect(decision.intent).toBeUndefined();
    expect(decision.optOut).toBe(HOST_NETWORK_OPT_OUT);
  });

  it.each(ambientCases)('in an ambient namespace, $name', c => {
    const decision = decideInjection(
      c.namespace,
      c.podLabels ?? {},
      c.podAnnotations ?? {},
    );
    expect(decision.intent).toEqual(c.intent);
    expect(decision.optOut).toBe(c.optOut);
  });

  it.each(cases)('$name', c => {
    const decision = decideInjection(
      c.namespace,
      c.podLabels ?? {},
      c.podAnnotations ?? {},
      c.hostNetwork ?? false,
    );
    expect(decision.intent).toEqual(c.intent);
    expect(decision.optOut).toBe(c.optOut);
  });

  it('lists every opt-out that applied', () => {
    const decision = decideInjection(
      ns({ 'istio-injection': 'disabled' }, { 'linkerd.io/inject': 'enabled' }),
      {},
      { 'linkerd.io/inject': 'disabled' },
    );
    expect(decision.intent).toBeUndefined();
    expect(decision.optOut).toBe(
      'namespace label istio-injection=disabled; pod annotation linkerd.io/inject=disabled',
    );
  });

  it('still finds Linkerd when Istio is explicitly off for the pod', () => {
    expect(
      decideInjection(
        ns({}, { 'linkerd.io/inject': 'enabled' }),
        { 'sidecar.istio.io/inject': 'false' },
        {},
      ).intent,
    ).toEqual({
      provider: 'linkerd',
      dataPlane: 'sidecar',
      via: 'namespace annotation linkerd.io/inject=enabled',
    });
  });
});
