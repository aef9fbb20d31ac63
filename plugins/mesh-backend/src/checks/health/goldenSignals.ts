import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { pct } from '../../health/calculator';

/** The waypoint an ambient workload's traffic goes through, from `istio.io/use-waypoint`. */
function waypointOf(w: EntityWorkload): string | undefined {
  const pod = w.workload.pods[0];
  const value =
    pod?.labels['istio.io/use-waypoint'] ??
    w.workload.templateLabels['istio.io/use-waypoint'] ??
    w.namespace?.labels['istio.io/use-waypoint'];
  return value && value !== 'none' ? value : undefined;
}

/** The proxy commands for this workload's data plane: Envoy, ztunnel and waypoint, or Linkerd. */
export function debugCommands(ctx: EntityContext): string {
  const lines: string[] = [];
  for (const w of ctx.workloads) {
    const ref = `${w.workload.kind.toLowerCase()}/${w.workload.name}`;
    const ns = w.workload.namespace;
    const meshing = workloadMeshings(w)[0];
    if (meshing?.provider === 'linkerd') {
      lines.push(
        `linkerd viz stat -n ${ns} ${ref}`,
        `linkerd viz tap -n ${ns} ${ref}`,
        `linkerd diagnostics endpoints <service>.${ns}.svc.cluster.local:<port>`,
      );
    } else if (meshing?.dataPlane === 'ambient') {
      // Ambient pods have no Envoy: ztunnel holds their L4 view, the waypoint the L7.
      lines.push(
        `istioctl ztunnel-config workloads --workload-namespace ${ns}`,
      );
      const waypoint = waypointOf(w);
      if (waypoint) {
        lines.push(
          `istioctl proxy-config routes deploy/${waypoint} -n ${ns}`,
          `istioctl proxy-config cluster deploy/${waypoint} -n ${ns}`,
        );
      } else {
        lines.push(`istioctl waypoint list -n ${ns}`);
      }
      lines.push(`istioctl analyze -n ${ns}`);
    } else {
      // proxy-config needs a pod that has a proxy.
      const pod =
        (w.workload.pods.find(p => p.proxy) ?? w.workload.pods[0])?.name ??
        '<pod>';
      lines.push(
        `istioctl proxy-config cluster ${pod} -n ${ns}`,
        `istioctl proxy-config routes ${pod} -n ${ns}`,
        `istioctl analyze -n ${ns}`,
      );
    }
  }
  return [...new Set(lines)].join('\n');
}

const FLAG_MEANINGS: Record<string, string> = {
  UH: 'no healthy upstream',
  UF: 'upstream connection failure',
  NR: 'no route configured',
  URX: 'upstream retry limit exceeded',
  UO: 'upstream overflow (circuit breaking)',
  UC: 'upstream connection termination',
  UT: 'upstream request timeout',
  DC: 'downstream connection termination',
};

function evaluate(ctx: EntityContext): CheckOutcome {
  const { health } = ctx;
  const evidence: Record<string, unknown> = {
    ...health,
    workloadsWithSeries: ctx.traffic.withSeries,
  };
  if (health.status === 'unknown') {
    return {
      status: 'unknown',
      summary:
        health.signal === 'l4'
          ? `L4 only: ${health.reason}.`
          : `No mesh telemetry: ${health.reason}.`,
      evidence,
    };
  }
  if (health.status === 'idle') {
    return {
      status: 'unknown',
      summary: `Idle: ${health.reason}, so health cannot be judged.`,
      evidence,
    };
  }
  const figures = `${health.requestsPerSecond} req/s, ${
    health.successRate === null ? '—' : pct(health.successRate)
  } success, p99 ${health.latencyMs.p99 ?? '—'} ms over ${ctx.window}`;
  if (health.status === 'healthy') {
    return { status: 'pass', summary: `Healthy: ${figures}.`, evidence };
  }
  const flags = Object.entries(health.responseFlags ?? {});
  const flagText =
    flags.length > 0
      ? `\nThe callers' proxies failed some requests themselves: ${flags
          .map(
            ([flag, rate]) =>
              `${flag}${
                FLAG_MEANINGS[flag] ? ` (${FLAG_MEANINGS[flag]})` : ''
              } ${rate} req/s`,
          )
          .join(
            ', ',
          )}. The app may say "connection refused" while the proxy says "no upstream endpoints": check the Service's endpoints and the DestinationRule subsets.`
      : '';
  return {
    status: health.status === 'failing' ? 'fail' : 'warn',
    summary: `${health.status === 'failing' ? 'Failing' : 'Degraded'}: ${
      health.reason
    }; ${figures}.`,
    evidence,
    remediation: `Look at the proxies, not only the app: a wrong DestinationRule or a missing endpoint shows there first.${flagText}\n${debugCommands(
      ctx,
    )}`,
  };
}

export const goldenSignalsCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['health.golden-signals'],
  evaluate,
};
