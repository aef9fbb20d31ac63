/**
 * The on-call debug panel's commands, as data.
 *
 * Source: reference/production-service-mesh-best-practices.txt ("Debugging Skills That
 * Pay Off") for Istio and Linkerd, and Istio's ambient troubleshooting guides for
 * ztunnel and waypoints: an ambient pod has no Envoy of its own, so `proxy-config` is
 * asked of its waypoint, and ztunnel is asked whether it captured the pod.
 *
 * Templates use `<pod>`, `<namespace>`, `<workload>`, `<kind>` (the short resource name
 * the CLIs take: `deploy`, `sts`, `ds`) and `<waypoint>`. `fillDebugCommand` replaces
 * only values that pass Kubernetes' own name rules, so a copied command never carries a
 * space, a quote or a shell metacharacter; anything else keeps its `<placeholder>`.
 */
import {
  DataPlaneMode,
  MeshProvider,
} from '@mesh-readiness/plugin-mesh-common';
import { isDns1123Label, isDns1123Subdomain } from '../../docs/placeholders';

export type DebugFlavorId = 'istio-sidecar' | 'istio-ambient' | 'linkerd';

export interface DebugCommand {
  /** Short label; also names the copy button ("Copy: <title>"). */
  title: string;
  template: string;
  /** What the command answers during an incident. */
  why: string;
}

export interface DebugFlavor {
  id: DebugFlavorId;
  title: string;
  /** Said once above the commands. */
  intro: string;
  commands: DebugCommand[];
}

/** The one tip every flavor shows first. */
export const DEBUG_TIP =
  'App says "connection refused": check the proxy\'s view of upstream endpoints first. Often the proxy has no healthy endpoint for the upstream because a DestinationRule or Service selector is wrong, and the app never reached the network.';

const FIND_POD: DebugCommand = {
  title: 'Pods of this workload',
  template: 'kubectl get pods -n <namespace> -o wide | grep <workload>',
  why: 'Pick the pod to debug; paste its name into "Pod name".',
};

export const DEBUG_FLAVORS: ReadonlyArray<DebugFlavor> = [
  {
    id: 'istio-sidecar',
    title: 'Istio (sidecar)',
    intro:
      "Each pod's istio-proxy sidecar holds the configuration istiod pushed to it: ask that proxy, not the app.",
    commands: [
      FIND_POD,
      {
        title: 'Upstream endpoints',
        template: 'istioctl proxy-config endpoints <pod> -n <namespace>',
        why: 'Which endpoints the proxy knows for each upstream, and whether they are HEALTHY. An empty list is the "no upstream endpoints" case.',
      },
      {
        title: 'Clusters (upstreams)',
        template: 'istioctl proxy-config cluster <pod> -n <namespace>',
        why: 'What the proxy thinks the upstreams look like, with the DestinationRule applied to each.',
      },
      {
        title: 'Routes',
        template: 'istioctl proxy-config routes <pod> -n <namespace>',
        why: 'How the proxy routes each host and path (VirtualServices applied).',
      },
      {
        title: 'Static analysis of the namespace',
        template: 'istioctl analyze -n <namespace>',
        why: 'Configuration mistakes istiod can see: selectors that match nothing, missing references, conflicts.',
      },
      {
        title: 'Envoy debug logging',
        template:
          'istioctl proxy-config log <pod> -n <namespace> --level debug',
        why: 'Turns the sidecar\'s logging up, then read it with kubectl logs <pod> -c istio-proxy. Set it back with "--level warning" afterwards.',
      },
    ],
  },
  {
    id: 'istio-ambient',
    title: 'Istio (ambient)',
    intro:
      "An ambient pod has no Envoy of its own: ztunnel on its node carries its L4 traffic, and the namespace's waypoint (if any) its L7 traffic. Ask ztunnel whether it captured the pod, and the waypoint how it routes.",
    commands: [
      FIND_POD,
      {
        title: 'This pod as ztunnel sees it',
        template:
          'istioctl ztunnel-config workloads --workload-namespace <namespace> | grep <pod>',
        why: 'Protocol HBONE: captured, with its waypoint in the WAYPOINT column; TCP: the pod is not in the mesh.',
      },
      {
        title: 'Services as ztunnel sees them',
        template: 'istioctl ztunnel-config services',
        why: 'Which waypoint each Service uses; look for the Services of this namespace.',
      },
      {
        title: 'Waypoints of the namespace',
        template: 'istioctl waypoint list -n <namespace>',
        why: 'Names the waypoint below; without one, traffic is L4 only.',
      },
      {
        title: "Waypoint's upstream endpoints",
        template:
          'istioctl proxy-config endpoints deploy/<waypoint> -n <namespace>',
        why: 'The L7 proxy\'s view of upstream endpoints: the "no upstream endpoints" case in ambient.',
      },
      {
        title: "Waypoint's clusters",
        template:
          'istioctl proxy-config cluster deploy/<waypoint> -n <namespace>',
        why: 'What the waypoint thinks the upstreams look like.',
      },
      {
        title: "Waypoint's routes",
        template:
          'istioctl proxy-config routes deploy/<waypoint> -n <namespace>',
        why: 'How the waypoint routes each host and path.',
      },
      {
        title: 'Static analysis of the namespace',
        template: 'istioctl analyze -n <namespace>',
        why: 'Configuration mistakes istiod can see, ambient and waypoint mismatches included.',
      },
    ],
  },
  {
    id: 'linkerd',
    title: 'Linkerd',
    intro:
      "Each pod's linkerd-proxy sees every request: tap it live, read its stats, and check that it is healthy.",
    commands: [
      FIND_POD,
      {
        title: 'Live requests (tap)',
        template: 'linkerd viz tap <kind>/<workload> -n <namespace>',
        why: 'Live L7 traffic through the workload: paths, status codes, latency.',
      },
      {
        title: 'Success rate and latency',
        template: 'linkerd viz stat -n <namespace> <kind>',
        why: 'Success rates, request rates and latency per workload of the namespace.',
      },
      {
        title: 'Raw proxy metrics',
        template: 'linkerd diagnostics proxy-metrics -n <namespace> po/<pod>',
        why: "The pod's proxy counters as they are, e.g. for connect errors.",
      },
      {
        title: 'Proxy health check',
        template: 'linkerd check --proxy -n <namespace>',
        why: 'Everything-is-fine check of the data plane in this namespace: certificates, versions, readiness.',
      },
    ],
  },
];

/** The flavor of one id. */
export function getDebugFlavor(id: DebugFlavorId): DebugFlavor {
  return DEBUG_FLAVORS.find(f => f.id === id) ?? DEBUG_FLAVORS[0];
}

/** The flavor matching a workload's (else the report's) mesh; undefined off the mesh. */
export function debugFlavorFor(mesh: {
  provider?: MeshProvider;
  dataPlane?: DataPlaneMode;
}): DebugFlavorId | undefined {
  if (mesh.provider === 'linkerd') return 'linkerd';
  if (mesh.provider === 'istio') {
    return mesh.dataPlane === 'ambient' ? 'istio-ambient' : 'istio-sidecar';
  }
  return undefined;
}

/** The short resource names `linkerd viz` takes; other kinds keep `<kind>`. */
const SHORT_KINDS: Record<string, string> = {
  deployment: 'deploy',
  statefulset: 'sts',
  daemonset: 'ds',
};

/** What the commands are filled with; a missing or invalid value keeps its placeholder. */
export interface DebugTarget {
  namespace?: string;
  workload?: string;
  /** The workload's kind as the report gives it, e.g. `Deployment`. */
  kind?: string;
  pod?: string;
  waypoint?: string;
}

type Placeholder = 'pod' | 'namespace' | 'workload' | 'kind' | 'waypoint';

const PLACEHOLDER = /<(pod|namespace|workload|kind|waypoint)>/g;

/** The value to put in place of a placeholder, or undefined to keep it. */
function valueOf(key: Placeholder, target: DebugTarget): string | undefined {
  const value = target[key]?.trim();
  switch (key) {
    case 'namespace':
      return isDns1123Label(value) ? value : undefined;
    case 'kind':
      return value ? SHORT_KINDS[value.toLowerCase()] : undefined;
    default:
      // Pod, workload and waypoint names are DNS-1123 subdomains.
      return isDns1123Subdomain(value) ? value : undefined;
  }
}

/** A command filled for the target: only valid Kubernetes names replace a placeholder. */
export function fillDebugCommand(
  template: string,
  target: DebugTarget,
): string {
  return template.replace(
    PLACEHOLDER,
    (match, key: Placeholder) => valueOf(key, target) ?? match,
  );
}

/** The placeholders a filled command still carries, e.g. `['<pod>']`. */
export function unfilledPlaceholders(command: string): string[] {
  return [...new Set(command.match(PLACEHOLDER) ?? [])];
}
