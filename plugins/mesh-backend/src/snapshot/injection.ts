import {
  InjectionDecision,
  NamespaceFacts,
} from '@mesh-readiness/plugin-mesh-node';

/**
 * Applies the injectors' own precedence rules (Istio's injection webhook and `pkg/kube/inject`, Istio's ambient labels, Linkerd's proxy injector):
 * - hostNetwork pods are never meshed: no injector and no ambient node agent takes them.
 * - Istio sidecar: pod label `sidecar.istio.io/inject` overrides the older annotation,
 *   which can only opt out; `false` on the pod or `istio-injection=disabled` on the
 *   namespace wins over any opt-in; namespace `istio-injection` wins over
 *   `istio.io/rev`; a pod `istio.io/rev` label selects a revision when the namespace
 *   has none.
 * - Istio ambient: `istio.io/dataplane-mode=ambient` on the pod or namespace, unless
 *   sidecar injection applies (it takes precedence). Only the pod label
 *   `istio.io/dataplane-mode=none` opts out; the sidecar opt-out does not.
 * - Linkerd: `linkerd.io/inject` (`enabled` or `ingress`) on the pod, else the namespace.
 */
export function decideInjection(
  namespace: NamespaceFacts | undefined,
  podLabels: Record<string, string>,
  podAnnotations: Record<string, string>,
  hostNetwork = false,
): InjectionDecision {
  // Neither the injectors nor istio-cni touch a pod sharing the node's network.
  if (hostNetwork) return { optOut: 'hostNetwork pods are never meshed' };
  const nsLabels = namespace?.labels ?? {};
  const nsAnnotations = namespace?.annotations ?? {};
  const optOuts: string[] = [];

  // Istio sidecar. The webhooks' objectSelectors read only the pod label, and the
  // pod-level webhook requires the namespace to carry neither `istio-injection` nor
  // `istio.io/rev`: the (older) annotation can opt a pod out but never in, and
  // `istio-injection=disabled` on the namespace beats `sidecar.istio.io/inject=true`.
  const podInject =
    podLabels['sidecar.istio.io/inject'] ??
    podAnnotations['sidecar.istio.io/inject'];
  const podInjectVia =
    podLabels['sidecar.istio.io/inject'] !== undefined
      ? 'pod label'
      : 'pod annotation';
  if (podInject === 'false') {
    optOuts.push(`${podInjectVia} sidecar.istio.io/inject=false`);
  } else if (nsLabels['istio-injection'] === 'disabled') {
    optOuts.push('namespace label istio-injection=disabled');
  } else if (podLabels['sidecar.istio.io/inject'] === 'true') {
    return {
      intent: {
        provider: 'istio',
        dataPlane: 'sidecar',
        via: 'pod label sidecar.istio.io/inject=true',
      },
    };
  } else if (nsLabels['istio-injection'] === 'enabled') {
    return {
      intent: {
        provider: 'istio',
        dataPlane: 'sidecar',
        via: 'namespace label istio-injection=enabled',
      },
    };
  } else if (nsLabels['istio.io/rev']) {
    return {
      intent: {
        provider: 'istio',
        dataPlane: 'sidecar',
        via: `namespace label istio.io/rev=${nsLabels['istio.io/rev']}`,
      },
    };
  } else if (podLabels['istio.io/rev']) {
    return {
      intent: {
        provider: 'istio',
        dataPlane: 'sidecar',
        via: `pod label istio.io/rev=${podLabels['istio.io/rev']}`,
      },
    };
  }

  // Istio ambient
  const podMode = podLabels['istio.io/dataplane-mode'];
  if (podMode === 'ambient') {
    return {
      intent: {
        provider: 'istio',
        dataPlane: 'ambient',
        via: 'pod label istio.io/dataplane-mode=ambient',
      },
    };
  }
  if (podMode === 'none') {
    optOuts.push('pod label istio.io/dataplane-mode=none');
  } else if (nsLabels['istio.io/dataplane-mode'] === 'ambient') {
    // `sidecar.istio.io/inject=false` refuses a sidecar, not ambient capture.
    return {
      intent: {
        provider: 'istio',
        dataPlane: 'ambient',
        via: 'namespace label istio.io/dataplane-mode=ambient',
      },
    };
  }

  // Linkerd
  const linkerdPod = podAnnotations['linkerd.io/inject'];
  const linkerdNs = nsAnnotations['linkerd.io/inject'];
  const linkerdOn = (v: string | undefined) =>
    v === 'enabled' || v === 'ingress';
  if (linkerdOn(linkerdPod)) {
    return {
      intent: {
        provider: 'linkerd',
        dataPlane: 'sidecar',
        via: `pod annotation linkerd.io/inject=${linkerdPod}`,
      },
    };
  }
  if (linkerdPod === 'disabled') {
    optOuts.push('pod annotation linkerd.io/inject=disabled');
  } else if (linkerdOn(linkerdNs)) {
    return {
      intent: {
        provider: 'linkerd',
        dataPlane: 'sidecar',
        via: `namespace annotation linkerd.io/inject=${linkerdNs}`,
      },
    };
  }

  return optOuts.length > 0 ? { optOut: optOuts.join('; ') } : {};
}
