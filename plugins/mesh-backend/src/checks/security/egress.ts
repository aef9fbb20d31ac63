import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import {
  DATA_PLANE_LABEL,
  DataPlane,
  dataPlaneOf,
  judgeWorkloads,
  perSecond,
  refText,
  unlistedVerdict,
  workloadLabel,
  WorkloadVerdict,
} from './common';

/** Unregistered hosts listed in the evidence, the busiest first. */
const MAX_HOSTS = 10;

interface Passthrough {
  text: string;
  rows: { cluster: string; host?: string; unit: string; rate: number }[];
}

/** The workload's calls to hosts outside the registry, for the evidence (never the verdict). */
function passthrough(ctx: EntityContext, w: EntityWorkload): Passthrough {
  const metrics = ctx.metricsFor(w);
  if (!metrics) {
    return {
      text: 'passthrough traffic unknown (no Prometheus data for this cluster)',
      rows: [],
    };
  }
  const rows = [
    ...(metrics.series.istioEgressPassthrough?.[workloadKey(w)] ?? []),
  ].sort((a, b) => b.rate - a.rate);
  const out = rows.filter(r => r.cluster === 'PassthroughCluster');
  const blocked = rows.filter(r => r.cluster === 'BlackHoleCluster');
  const sum = (list: typeof rows) => list.reduce((s, r) => s + r.rate, 0);
  const parts: string[] = [];
  if (out.length > 0) {
    const hosts = out.map(r => r.host).filter(Boolean);
    parts.push(
      `${perSecond(sum(out))} to unregistered hosts via PassthroughCluster${
        hosts.length > 0
          ? ` (${[...new Set(hosts)].slice(0, 3).join(', ')})`
          : ''
      }`,
    );
  }
  if (blocked.length > 0) {
    parts.push(`${perSecond(sum(blocked))} blocked (BlackHoleCluster)`);
  }
  return {
    text:
      parts.length > 0
        ? parts.join('; ')
        : `no PassthroughCluster traffic in the ${ctx.window} window`,
    rows: rows.slice(0, MAX_HOSTS),
  };
}

function istioFix(w: EntityWorkload, hosts: string[]): string {
  const { namespace } = w.workload;
  const lines = [
    `Mesh-wide (IstioOperator / Helm values of istiod): meshConfig.outboundTrafficPolicy.mode: REGISTRY_ONLY, e.g.`,
    'istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY',
    `Or for namespace ${namespace} only, a default Sidecar (kubectl apply -f -):`,
    'apiVersion: networking.istio.io/v1',
    'kind: Sidecar',
    'metadata:',
    '  name: default',
    `  namespace: ${namespace}`,
    'spec:',
    '  outboundTrafficPolicy:',
    '    mode: REGISTRY_ONLY',
    '  egress:',
    '    - hosts: ["./*", "istio-system/*"]',
  ];
  lines.push(
    'Register each external host the workload needs first, or it will be blocked (BlackHoleCluster):',
    '---',
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata:',
    `  name: external-${(hosts[0] ?? 'api')
      .replace(/[^a-z0-9-]/gi, '-')
      .toLowerCase()}`,
    `  namespace: ${namespace}`,
    'spec:',
    `  hosts: [${JSON.stringify(hosts[0] ?? 'api.example.com')}]`,
    '  location: MESH_EXTERNAL',
    '  resolution: DNS',
    '  ports:',
    '    - { number: 443, name: tls, protocol: TLS }',
  );
  if (hosts.length > 1) {
    lines.push(`# Hosts seen through PassthroughCluster: ${hosts.join(', ')}`);
  }
  return lines.join('\n');
}

function judgeIstio(
  ctx: EntityContext,
  w: EntityWorkload,
  plane: DataPlane,
  label: string,
): WorkloadVerdict {
  const snap = ctx.snapshots.find(s => s.cluster === w.cluster);
  const meshConfig = snap?.kubernetes.data?.mesh.istio.meshConfig;
  let egress = w.mesh.istio.egress;
  let note: string | undefined;
  if (plane === 'istio-ambient') {
    note =
      'ambient pods have no sidecar: a Sidecar resource does not apply; the mesh config governs egress at ztunnel and waypoints, and external hosts are best routed through an egress waypoint (ServiceEntry labelled istio.io/use-waypoint)';
    if (egress.level === 'sidecar' && meshConfig) {
      egress =
        meshConfig.outboundTrafficPolicySource === 'mesh-config'
          ? {
              mode: meshConfig.outboundTrafficPolicy,
              level: 'mesh',
              ...(meshConfig.source ? { decidedBy: meshConfig.source } : {}),
            }
          : { mode: meshConfig.outboundTrafficPolicy, level: 'default' };
    }
  }
  const from = egress.decidedBy
    ? `${refText(egress.decidedBy)} (${egress.level})`
    : "Istio's default (meshConfig.outboundTrafficPolicy unset)";
  const seen = passthrough(ctx, w);
  const evidence: Record<string, unknown> = {
    workload: label,
    dataPlane: DATA_PLANE_LABEL[plane],
    mode: egress.mode,
    level: egress.level,
    ...(egress.decidedBy ? { decidedBy: egress.decidedBy } : {}),
    passthrough: seen.rows,
    observed: seen.text,
    ...(note ? { note } : {}),
  };
  const head = `${label} (${DATA_PLANE_LABEL[plane]})`;
  if (egress.mode === 'REGISTRY_ONLY') {
    return {
      workload: label,
      status: 'pass',
      summary: `${head}: outbound traffic policy REGISTRY_ONLY from ${from}; ${seen.text}.`,
      evidence,
    };
  }
  const hosts = [
    ...new Set(
      seen.rows
        .filter(r => r.cluster === 'PassthroughCluster' && r.host)
        .map(r => r.host!),
    ),
  ];
  return {
    workload: label,
    status: 'fail',
    summary: `${head}: egress is default-open, outbound traffic policy ${egress.mode} from ${from}; ${seen.text}.`,
    evidence,
    remediation: istioFix(w, hosts),
  };
}

function judgeLinkerd(w: EntityWorkload, label: string): WorkloadVerdict {
  const { namespace } = w.workload;
  const networks = w.mesh.linkerd.egressNetworks;
  const deny = networks.filter(n => n.trafficPolicy === 'Deny');
  const evidence: Record<string, unknown> = {
    workload: label,
    dataPlane: 'Linkerd',
    egressNetworks: networks.map(n => ({
      kind: 'EgressNetwork',
      group: 'policy.linkerd.io',
      namespace: n.ref.namespace,
      name: n.ref.name,
      trafficPolicy: n.trafficPolicy,
      networks: n.networks,
    })),
    note: 'Linkerd egress metrics (parent_kind="EgressNetwork") are not collected; the verdict rests on the EgressNetwork objects',
  };
  const head = `${label} (Linkerd)`;
  if (deny.length > 0) {
    return {
      workload: label,
      status: 'pass',
      summary: `${head}: EgressNetwork ${deny
        .map(n => `${n.ref.namespace}/${n.ref.name}`)
        .join(', ')} denies egress that no route allows (trafficPolicy: Deny).`,
      evidence,
    };
  }
  return {
    workload: label,
    status: 'fail',
    summary: `${head}: egress is default-open: ${
      networks.length > 0
        ? `EgressNetwork ${networks
            .map(n => `${n.ref.namespace}/${n.ref.name}`)
            .join(', ')} has trafficPolicy: Allow`
        : `no EgressNetwork in ${namespace} or the global egress namespace`
    }.`,
    evidence,
    remediation: [
      `Deny unlisted egress from ${namespace}, then allow the hosts you need with HTTPRoutes/TLSRoutes whose parentRef is this EgressNetwork (kubectl apply -f -):`,
      'apiVersion: policy.linkerd.io/v1alpha1',
      'kind: EgressNetwork',
      'metadata:',
      '  name: egress',
      `  namespace: ${namespace}`,
      'spec:',
      '  trafficPolicy: Deny',
    ].join('\n'),
  };
}

function judge(ctx: EntityContext, w: EntityWorkload): WorkloadVerdict | null {
  const plane = dataPlaneOf(w);
  if (!plane) return null;
  const label = workloadLabel(w);
  const kinds =
    plane === 'linkerd'
      ? ['policy.linkerd.io/EgressNetwork']
      : ['networking.istio.io/Sidecar', 'ConfigMap'];
  const unlisted = unlistedVerdict(
    ctx,
    w,
    plane,
    kinds,
    'the egress policy cannot be resolved',
  );
  if (unlisted) return unlisted;
  return plane === 'linkerd'
    ? judgeLinkerd(w, label)
    : judgeIstio(ctx, w, plane, label);
}

function evaluate(ctx: EntityContext): CheckOutcome {
  return judgeWorkloads(
    ctx,
    judge,
    'Not in the mesh: no workload has a proxy or ambient capture, so no mesh egress policy applies (mesh.enrollment covers meshing).',
  );
}

export const egressCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['security.egress'],
  requiredKinds: ['Pod'],
  evaluate,
};
