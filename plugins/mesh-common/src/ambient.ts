/**
 * "What ambient would save": the sidecars' requests that go away when their pods move
 * to Istio ambient, less what ambient adds back, a ztunnel on every node. Shared by the
 * `sidecar.rightsizing` evidence, the scorecard summary and the per-cluster fleet figures,
 * so the three say the same thing the same way.
 */

export interface Resources {
  cpuCores: number;
  memoryBytes: number;
}

/**
 * What one ztunnel uses, per node: Istio's published figure (the performance page of
 * Istio 1.24, 1000 HTTP req/s with 1 KB payloads: ztunnel ≈ 0.06 vCPU and 12 MB).
 */
export const ZTUNNEL_PER_NODE: Resources = {
  cpuCores: 0.06,
  memoryBytes: 12e6,
};

export const AMBIENT_SAVINGS_ASSUMPTION =
  "Freed: the sidecars' CPU and memory requests. Added back: one ztunnel per node at Istio's published usage (≈ 0.06 vCPU and 12 MB at 1000 req/s, Istio 1.24 performance page), " +
  'counted on every node the data names (ztunnel is a DaemonSet, shared by all the pods of a node). ' +
  "Not counted: waypoints, which workloads that need L7 policy or telemetry add (≈ 0.25 vCPU and 60 MB each at 1000 req/s), and ztunnel's own request, which its chart sets higher than its usage. " +
  'Without node names in the data the ztunnel side is left out and the saving is the sidecar requests alone.';

export interface AmbientSavings {
  /** The sidecars' requests, freed when their pods move to ambient. */
  sidecarRequests: Resources;
  /** The nodes a ztunnel would run on; null when the data names no nodes. */
  nodes: number | null;
  /** The per-node ztunnel figure the estimate uses. */
  ztunnelPerNode: Resources;
  /** nodes × ztunnelPerNode; null without node counts. */
  ztunnel: Resources | null;
  /** sidecarRequests − ztunnel (never below 0); the sidecar requests without nodes. */
  net: Resources;
  /** How the figures are made, for evidence and the UI. */
  assumption: string;
}

const cores = (v: number) => Math.round(v * 1000) / 1000;

/** The saving of moving `sidecarRequests` to ambient on `nodes` nodes. */
export function ambientSavings(
  sidecarRequests: Resources,
  nodes: number | null | undefined,
): AmbientSavings {
  const freed = {
    cpuCores: cores(sidecarRequests.cpuCores),
    memoryBytes: Math.round(sidecarRequests.memoryBytes),
  };
  const known = typeof nodes === 'number' && Number.isFinite(nodes);
  const ztunnel = known
    ? {
        cpuCores: cores(nodes * ZTUNNEL_PER_NODE.cpuCores),
        memoryBytes: Math.round(nodes * ZTUNNEL_PER_NODE.memoryBytes),
      }
    : null;
  return {
    sidecarRequests: freed,
    nodes: known ? nodes : null,
    ztunnelPerNode: ZTUNNEL_PER_NODE,
    ztunnel,
    net: ztunnel
      ? {
          cpuCores: Math.max(0, cores(freed.cpuCores - ztunnel.cpuCores)),
          memoryBytes: Math.max(0, freed.memoryBytes - ztunnel.memoryBytes),
        }
      : freed,
    assumption: AMBIENT_SAVINGS_ASSUMPTION,
  };
}
