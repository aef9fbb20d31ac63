import {
  GatewayFacts,
  KubeObject,
  NamespaceFacts,
  ServiceFacts,
  WaypointUseFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { asRecord, refOf, str } from './read';

const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NS = 'istio.io/use-waypoint-namespace';

/** A gateway.networking.k8s.io Gateway: ambient waypoints are Gateways too. */
export function gatewayFacts(obj: KubeObject): GatewayFacts {
  const labels = obj.metadata.labels ?? {};
  const className = str(asRecord(obj.spec).gatewayClassName);
  const waypointFor = labels['istio.io/waypoint-for'];
  return {
    ref: refOf(obj),
    ...(className ? { gatewayClassName: className } : {}),
    ...(waypointFor ? { waypointFor } : {}),
    labels,
  };
}

/**
 * The waypoints a workload's traffic goes through. Traffic addressed to the pod uses
 * the pod's label, else the namespace's; traffic addressed to a Service uses the
 * Service's label, else the namespace's. `none` opts that object out.
 */
export function resolveWaypoints(
  namespace: string,
  podLabels: Record<string, string>[],
  services: ServiceFacts[],
  ns: NamespaceFacts | undefined,
  gateways: GatewayFacts[],
): WaypointUseFacts[] {
  const out: WaypointUseFacts[] = [];
  const add = (
    labels: Record<string, string>,
    objectNamespace: string,
    via: WaypointUseFacts['via'],
    service?: string,
  ) => {
    const name = labels[USE_WAYPOINT];
    if (!name || name === 'none') return;
    const gatewayNs = labels[USE_WAYPOINT_NS] || objectNamespace;
    const exists = out.some(
      w =>
        w.gateway.name === name &&
        w.gateway.namespace === gatewayNs &&
        w.via === via &&
        w.service === service,
    );
    if (exists) return;
    out.push({
      gateway: {
        kind: 'Gateway',
        group: 'gateway.networking.k8s.io',
        namespace: gatewayNs,
        name,
      },
      via,
      ...(service ? { service } : {}),
      gatewayFound: gateways.some(
        g => g.ref.namespace === gatewayNs && g.ref.name === name,
      ),
    });
  };
  const podLabel = podLabels.find(l => l[USE_WAYPOINT])?.[USE_WAYPOINT];
  if (podLabel) {
    add(podLabels.find(l => l[USE_WAYPOINT])!, namespace, 'pod');
  }
  for (const s of services) add(s.labels, s.namespace, 'service', s.name);
  const namespaceApplies =
    !podLabel || services.some(s => !s.labels[USE_WAYPOINT]);
  if (ns && namespaceApplies) add(ns.labels, ns.name, 'namespace');
  return out;
}
