/**
 * `mesh.config-validation`: the mesh configuration that breaks this workload, in the
 * manner of `istioctl analyze` and Kiali's validations. Each rule family lives in
 * ./validation/ and returns findings (code, level, object, message, fix); this check
 * runs the families that fit each workload's data plane and aggregates:
 * no finding → pass, a warning → warn, an error → fail.
 *
 * A workload that is not meshed is not judged, with one exception: IST0123 (both
 * `istio-injection` and `istio.io/rev` on its namespace) decides what its next pod gets,
 * so it is reported before any pod is meshed.
 */
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  KubernetesFacts,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import { ambientRules } from './validation/ambient';
import { destinationRuleRules } from './validation/destinationRules';
import { injectionRules } from './validation/injection';
import { linkerdRules } from './validation/linkerd';
import { problemRules } from './validation/problems';
import { securityContextRules } from './validation/securityContext';
import { selectorRules } from './validation/selectors';
import { sidecarRules } from './validation/sidecars';
import {
  Finding,
  isIstio,
  refText,
  Rule,
  RuleInput,
  workloadText,
} from './validation/types';
import { virtualServiceRules } from './validation/virtualServices';

/** Findings listed in the summary line; the evidence has them all. */
const SUMMARY_FINDINGS = 2;
/** Fixes joined into the remediation; the evidence has them all. */
const REMEDIATION_FINDINGS = 10;

const ISTIO_RULES: Rule[] = [
  destinationRuleRules,
  virtualServiceRules,
  selectorRules,
  sidecarRules,
  injectionRules,
  ambientRules,
  securityContextRules,
];

/** Kinds a family reads: when one could not be listed, the workload cannot be judged. */
const ISTIO_KINDS = [
  'networking.istio.io/DestinationRule',
  'networking.istio.io/VirtualService',
  'networking.istio.io/ServiceEntry',
  'networking.istio.io/Sidecar',
  'security.istio.io/PeerAuthentication',
  'security.istio.io/AuthorizationPolicy',
];
const LINKERD_KINDS = [
  'policy.linkerd.io/Server',
  'policy.linkerd.io/AuthorizationPolicy',
  'policy.linkerd.io/MeshTLSAuthentication',
  'policy.linkerd.io/NetworkAuthentication',
  'policy.linkerd.io/HTTPRoute',
];

function unlisted(facts: KubernetesFacts, kinds: string[]): string | undefined {
  const u = facts.unavailable.find(r =>
    kinds.includes(r.group ? `${r.group}/${r.kind}` : r.kind),
  );
  return u && `cannot list ${u.resource}: ${u.message}`;
}

interface Judged {
  workload: string;
  dataPlane: string;
  findings: number;
  unknown?: string;
}

function judge(
  ctx: EntityContext,
  w: EntityWorkload,
): { judged: Judged; findings: Finding[] } {
  const facts = ctx.snapshots.find(s => s.cluster === w.cluster)?.kubernetes
    .data;
  const meshings = workloadMeshings(w);
  const dataPlane =
    [...new Set(meshings.map(m => `${m.provider} ${m.dataPlane}`))].join(
      ', ',
    ) || 'none';
  const judged: Judged = { workload: workloadText(w), dataPlane, findings: 0 };
  if (!facts) {
    judged.unknown = `no Kubernetes facts for cluster '${w.cluster}'`;
    return { judged, findings: [] };
  }
  const input: RuleInput = {
    w,
    facts,
    clusters: ctx.snapshots.flatMap(s =>
      s.kubernetes.data ? [s.kubernetes.data] : [],
    ),
    metrics: ctx.metricsFor(w),
  };
  let rules: Rule[];
  if (meshings.length === 0) {
    rules = [injectionRules];
  } else {
    const kinds = [
      ...(isIstio(w) ? ISTIO_KINDS : []),
      ...(meshings.some(m => m.provider === 'linkerd') ? LINKERD_KINDS : []),
    ];
    const missing = unlisted(facts, kinds);
    if (missing) {
      judged.unknown = `cluster '${w.cluster}': ${missing}`;
      return { judged, findings: [] };
    }
    rules = [...(isIstio(w) ? ISTIO_RULES : []), linkerdRules, problemRules];
  }
  const findings = rules
    .flatMap(rule => rule(input))
    .map(f => ({ ...f, workload: judged.workload }));
  judged.findings = findings.length;
  return { judged, findings };
}

/** The same object and message found for two workloads (a namespace label) counts once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.code}|${refText(f.object)}|${f.message}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()];
}

const levelOrder = (f: Finding) => (f.level === 'error' ? 0 : 1);

function evaluate(ctx: EntityContext): CheckOutcome {
  const results = ctx.workloads.map(w => judge(ctx, w));
  const judged = results.map(r => r.judged);
  const findings = dedupe(results.flatMap(r => r.findings)).sort(
    (a, b) => levelOrder(a) - levelOrder(b),
  );
  const errors = findings.filter(f => f.level === 'error').length;
  const warnings = findings.length - errors;
  const uh = ctx.traffic.sourceReported
    .filter(r => r.responseFlags.split(',').includes('UH'))
    .reduce((sum, r) => sum + r.rate, 0);
  const evidence: Record<string, unknown> = {
    workloads: judged,
    counts: { errors, warnings },
    findings: findings.map(f => ({
      code: f.code,
      level: f.level,
      object: f.object,
      message: f.message,
      fix: f.fix,
      workload: f.workload,
      ...(f.details ? { details: f.details } : {}),
    })),
    observed:
      ctx.workloads.some(w => ctx.metricsFor(w)) || uh > 0
        ? { uhRequestsPerSecond: Number(uh.toFixed(3)) }
        : 'no Prometheus data: 503 UH responses were not cross-checked',
  };

  const meshed = judged.filter(j => j.dataPlane !== 'none');
  if (meshed.length === 0 && findings.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no workload runs a proxy or is captured by ambient (mesh.enrollment judges that).',
      evidence,
    };
  }

  const listed = findings
    .slice(0, SUMMARY_FINDINGS)
    .map(f => `${f.code} ${f.message}`)
    .join(' ');
  const more =
    findings.length > SUMMARY_FINDINGS
      ? ` (+${findings.length - SUMMARY_FINDINGS} more)`
      : '';
  const remediation = findings
    .slice(0, REMEDIATION_FINDINGS)
    .map(f => `# ${f.code} (${f.level}) ${refText(f.object)}\n${f.fix}`)
    .join('\n\n');
  if (errors > 0) {
    return {
      status: 'fail',
      summary: `${errors} error(s), ${warnings} warning(s): ${listed}${more}`,
      evidence,
      remediation,
    };
  }
  const unjudged = judged.filter(j => j.unknown);
  if (unjudged.length > 0) {
    return {
      status: 'unknown',
      summary: `Cannot validate the mesh configuration of ${unjudged[0].workload}: ${unjudged[0].unknown}.`,
      evidence,
    };
  }
  if (warnings > 0) {
    return {
      status: 'warn',
      summary: `${warnings} warning(s): ${listed}${more}`,
      evidence,
      remediation,
    };
  }
  return {
    status: 'pass',
    summary: `No configuration problem found for ${meshed.length} meshed workload(s): DestinationRule subsets, route hosts and subsets, selectors and data-plane labels all resolve.`,
    evidence,
  };
}

export const configValidationCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['mesh.config-validation'],
  requiredKinds: ['Pod', 'Namespace', 'Service'],
  evaluate,
};
