import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import { pct, summarizeHealth } from './healthSummary';
import { workloadMeshings } from './meshing';
import { CheckOutcome, EntityContext, MeshCheck } from './types';

function debugCommands(ctx: EntityContext): string {
  const lines: string[] = [];
  for (const w of ctx.workloads) {
    const ref = `${w.workload.kind.toLowerCase()}/${w.workload.name}`;
    const ns = w.workload.namespace;
    // proxy-config needs a pod that has a proxy.
    const pod =
      (w.workload.pods.find(p => p.proxy) ?? w.workload.pods[0])?.name ??
      '<pod>';
    if (w.traffic?.provider === 'linkerd') {
      lines.push(
        `linkerd viz stat -n ${ns} ${ref}`,
        `linkerd viz tap -n ${ns} ${ref}`,
      );
    } else {
      lines.push(
        `istioctl proxy-config cluster ${pod} -n ${ns}`,
        `istioctl proxy-config routes ${pod} -n ${ns}`,
        `istioctl analyze -n ${ns}`,
      );
    }
  }
  return [...new Set(lines)].join('\n');
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const traffic = ctx.workloads.flatMap(w => (w.traffic ? [w.traffic] : []));
  const health = summarizeHealth(traffic, ctx.window);
  const evidence: Record<string, unknown> = {
    ...health,
    workloadsWithTraffic: ctx.workloads
      .filter(w => w.traffic)
      .map(
        w =>
          `${w.cluster}/${w.workload.namespace}/${w.workload.name} (${
            w.traffic!.reporter
          })`,
      ),
  };
  const meshed = ctx.workloads.some(w => workloadMeshings(w).length > 0);
  if (traffic.length === 0 && !meshed) {
    return {
      status: 'unknown',
      summary:
        'No mesh telemetry: the workloads are not meshed, so no proxy reports their traffic.',
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
  const figures = `${health.requestsPerSecond} req/s, ${pct(
    health.successRate ?? 0,
  )} success, p99 ${health.latencyMs.p99 ?? '—'} ms over ${ctx.window}`;
  if (health.status === 'healthy') {
    return { status: 'pass', summary: `Healthy: ${figures}.`, evidence };
  }
  return {
    status: health.status === 'failing' ? 'fail' : 'warn',
    summary: `${health.status === 'failing' ? 'Failing' : 'Degraded'}: ${
      health.reason
    }; ${figures}.`,
    evidence,
    remediation: `Look at the proxies, not only the app: a wrong DestinationRule or a missing endpoint shows there first.\n${debugCommands(
      ctx,
    )}`,
  };
}

export const healthGoldenSignalsCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['health.golden-signals'],
  evaluate,
};
