import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import { PodMeshing, workloadMeshings } from '../../context/meshing';

const MERGE_ANNOTATION = 'prometheus.istio.io/merge-metrics';

interface Finding {
  workload: string;
  dataPlane: string;
  pods: number;
  scrapedPods: number;
  requestSeries: boolean;
  tcpSeries: boolean;
  present: boolean;
  cause?: string;
  fix?: string;
}

function podMonitor(w: EntityWorkload, meshing: PodMeshing): string {
  const { namespace, name, templateLabels } = w.workload;
  const [key, value] = Object.entries(templateLabels)[0] ?? ['app', name];
  const port =
    meshing.provider === 'linkerd'
      ? { name: 'linkerd-admin', path: '/metrics' }
      : { name: 'http-envoy-prom', path: '/stats/prometheus' };
  return [
    'apiVersion: monitoring.coreos.com/v1',
    'kind: PodMonitor',
    'metadata:',
    `  name: ${name}-mesh-proxy`,
    `  namespace: ${namespace}`,
    'spec:',
    '  selector:',
    `    matchLabels: { ${key}: ${value} }`,
    '  podMetricsEndpoints:',
    `    - port: ${port.name}`,
    `      path: ${port.path}`,
  ].join('\n');
}

/** Why Prometheus has nothing from a meshed workload, judged from what the pods say. */
function likelyCause(
  w: EntityWorkload,
  meshing: PodMeshing,
  namespaceScraped: boolean,
): { cause: string; fix: string } {
  const { namespace, name, kind } = w.workload;
  const pod = w.workload.pods[0];
  const annotations = pod?.annotations ?? w.workload.templateAnnotations;
  if (meshing.dataPlane === 'ambient') {
    return {
      cause: `no ztunnel or waypoint series for ${namespace}/${name}: ztunnel (port 15020, /stats/prometheus) is not scraped, or nothing reached the workload in the window`,
      fix: `Scrape ztunnel's metrics port on every node (kubectl get pods -n istio-system -l app=ztunnel), then look for istio_tcp_connections_opened_total{destination_workload="${name}",destination_workload_namespace="${namespace}"}.`,
    };
  }
  if (meshing.provider === 'linkerd') {
    return {
      cause: namespaceScraped
        ? `other Linkerd proxies in ${namespace} are scraped but not these pods: their admin port (4191, linkerd-admin) is not matched by the scrape job`
        : `Prometheus scrapes no Linkerd proxy in namespace ${namespace}: no scrape job for the proxies' admin port (4191) covers it (linkerd-viz installs one; a Prometheus of your own needs it added)`,
      fix: `Add a scrape job or PodMonitor for the proxies' admin port:\n${podMonitor(
        w,
        meshing,
      )}`,
    };
  }
  if (annotations[MERGE_ANNOTATION] === 'false') {
    return {
      cause: `metrics merging is off (${MERGE_ANNOTATION}=false), so the pod's prometheus.io annotations advertise the app's port, not Envoy's (15090, /stats/prometheus)`,
      fix: `Scrape Envoy directly:\n${podMonitor(w, meshing)}`,
    };
  }
  if (annotations['prometheus.io/scrape'] === 'false') {
    return {
      cause:
        'the pods opt out of scraping (prometheus.io/scrape: "false"), which overrides what the injector would advertise',
      fix: `Remove the opt-out from the pod template, then restart:\nkubectl annotate ${kind.toLowerCase()}/${name} -n ${namespace} prometheus.io/scrape- # on the pod template (spec.template.metadata.annotations)\nkubectl rollout restart ${kind.toLowerCase()}/${name} -n ${namespace}\nor scrape Envoy with a PodMonitor:\n${podMonitor(
        w,
        meshing,
      )}`,
    };
  }
  if (annotations['prometheus.io/scrape'] !== 'true') {
    return {
      cause:
        'the pods carry no prometheus.io/scrape annotation: the injector adds it (port 15020, /stats/prometheus) only when metrics merging is on (meshConfig.enablePrometheusMerge, the default)',
      fix: `Turn merging back on (remove ${MERGE_ANNOTATION}: "false" and any enablePrometheusMerge: false), then restart so the injector rewrites the annotations:\nkubectl rollout restart ${kind.toLowerCase()}/${name} -n ${namespace}\nor scrape Envoy with a PodMonitor:\n${podMonitor(
        w,
        meshing,
      )}`,
    };
  }
  return {
    cause: namespaceScraped
      ? `the pods advertise scraping (prometheus.io/scrape=true, port ${
          annotations['prometheus.io/port'] ?? '15020'
        }) and other proxies in ${namespace} are scraped, so this workload's target is failing: look it up on Prometheus's /targets page`
      : `the pods advertise scraping (prometheus.io/scrape=true) but Prometheus has no proxy series from namespace ${namespace}: its scrape config (kubernetes_sd namespaces or relabelling) does not cover the namespace`,
    fix: `Check that a kubernetes-pods scrape job covers namespace ${namespace} and honours the prometheus.io annotations, then look for istio_build{namespace="${namespace}",component="proxy"}.`,
  };
}

function evaluate(ctx: EntityContext): CheckOutcome {
  const findings: Finding[] = [];
  for (const w of ctx.workloads) {
    const meshing = workloadMeshings(w)[0];
    if (!meshing || w.workload.pods.length === 0) continue;
    const metrics = ctx.metricsFor(w);
    if (!metrics) continue;
    const key = workloadKey(w);
    const { series } = metrics;
    const scrapedInNamespace =
      series.scrapedProxies[w.workload.namespace] ?? [];
    const podNames = new Set(w.workload.pods.map(p => p.name));
    const scrapedPods = scrapedInNamespace.filter(p => podNames.has(p)).length;
    const requestSeries = Boolean(
      series.istioRequests[key]?.length || series.linkerdResponses[key]?.length,
    );
    const tcpSeries = Boolean(series.istioTcp[key]?.length);
    const present = scrapedPods > 0 || requestSeries || tcpSeries;
    const finding: Finding = {
      workload: `${w.cluster}/${
        w.workload.namespace
      }/${w.workload.kind.toLowerCase()}/${w.workload.name}`,
      dataPlane: `${meshing.provider} ${meshing.dataPlane}`,
      pods: w.workload.pods.length,
      scrapedPods,
      requestSeries,
      tcpSeries,
      present,
    };
    if (!present) {
      Object.assign(
        finding,
        likelyCause(w, meshing, scrapedInNamespace.length > 0),
      );
    }
    findings.push(finding);
  }
  if (findings.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'No meshed workload with running pods: there are no proxy metrics to expect.',
      evidence: { workloads: ctx.workloads.length },
    };
  }
  const missing = findings.filter(f => !f.present);
  const evidence = { workloads: findings };
  if (missing.length === 0) {
    return {
      status: 'pass',
      summary: `Prometheus has mesh series for all ${findings.length} meshed workload(s).`,
      evidence,
    };
  }
  return {
    status: missing.length === findings.length ? 'fail' : 'warn',
    summary: `No mesh series for ${missing.length} of ${
      findings.length
    } meshed workload(s) (${missing.map(f => f.workload).join(', ')}): ${
      missing[0].cause
    }.`,
    evidence,
    remediation: missing.map(f => `${f.workload}:\n${f.fix}`).join('\n\n'),
  };
}

export const metricsCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['observability.metrics'],
  requiredKinds: ['Pod'],
  evaluate,
};
