/**
 * `control-plane.certificates`: how long the mesh's CA certificates stay valid, from
 * istiod's `citadel_server_root_cert_expiry_timestamp` /
 * `citadel_server_cert_chain_expiry_timestamp`, the Linkerd proxies'
 * `identity_cert_expiration_timestamp_seconds`, and the CA certificates the fact builder
 * read from ConfigMaps (Linkerd's trust anchors, Istio's root). Times are compared with
 * the snapshot's own fetch time, never the clock, so the check stays pure. Ambient uses
 * istiod's CA, so it is judged like the sidecars.
 *
 * "Cert rotation tested" (kill the issuer, watch what happens) no machine can see: a
 * person attests it (checkId `control-plane.certificates`). The two parts combine so
 * that neither hides the other:
 * - drill attested and valid: the expiry verdict;
 * - the drill's attestation expired: `fail`, "attestation expired on <date>", as for
 *   the other attested lines (a lapsed promise is a regression someone must act on);
 * - drill never attested: the expiry verdict, so healthy certificates still `pass`, with
 *   "cert rotation drill not attested" and how to attest it; `fail` instead when
 *   `mesh.checks.certificates.requireRotationDrill` is true (the platform team asks for it);
 * - an unknown expiry stays `unknown` whatever the drill: there is nothing to judge yet.
 */
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  ClusterSnapshot,
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
} from '@mesh-readiness/plugin-mesh-node';
import { workloadMeshings } from '../../context/meshing';
import {
  attestationEvidence,
  attestationState,
  dayOf,
  howToAttest,
} from '../operations/attested';
import { expectedNamespace, snapshotOf, workloadLabel, worse } from './serving';

type Status = CheckOutcome['status'];

const DAY = 86_400;
/**
 * Linkerd proxies' own certificates live 24 h by default and are renewed before they
 * expire: a proxy certificate with less than this left is the normal rotation, not an
 * expiring CA. Longer-lived ones are judged against the thresholds.
 */
const LINKERD_LEAF_HORIZON_SECONDS = 36 * 3600;

const SCOPE_NOTE =
  "This check judges expiry only; 'cert rotation tested' is an attestation.";

interface CertItem {
  certificate: string;
  /** Where the date came from: a metric or an object. */
  source: string;
  expiresAt: string;
  daysLeft: number;
  status: Status;
  note?: string;
}

interface Finding {
  workload: string;
  mesh: 'istio' | 'linkerd';
  status: Status;
  certificates: CertItem[];
  problems: string[];
  reason?: string;
}

const METRIC_NAMES = {
  'istio-root': 'citadel_server_root_cert_expiry_timestamp',
  'istio-chain': 'citadel_server_cert_chain_expiry_timestamp',
  'linkerd-identity': 'identity_cert_expiration_timestamp_seconds',
} as const;

const DESCRIPTION = {
  'istio-root': "istiod's CA root certificate",
  'istio-chain': "istiod's CA certificate chain",
  'linkerd-identity': 'a Linkerd proxy identity certificate',
} as const;

function secondsOf(iso: string | undefined): number | undefined {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? undefined : t / 1000;
}

function judge(ctx: EntityContext, daysLeft: number): Status {
  const { warnDays, failDays } = ctx.settings.certificates;
  if (daysLeft < failDays) return 'fail';
  if (daysLeft < warnDays) return 'warn';
  return 'pass';
}

function item(
  ctx: EntityContext,
  certificate: string,
  source: string,
  expiresAt: number,
  now: number,
): CertItem {
  const daysLeft = Math.floor(((expiresAt - now) / DAY) * 10) / 10;
  return {
    certificate,
    source,
    expiresAt: new Date(expiresAt * 1000).toISOString(),
    daysLeft,
    status: judge(ctx, daysLeft),
  };
}

function metricItems(
  ctx: EntityContext,
  w: EntityWorkload,
  snapshot: ClusterSnapshot | undefined,
  mesh: 'istio' | 'linkerd',
): { items: CertItem[]; note?: string } {
  const metrics = ctx.metricsFor(w);
  const now = secondsOf(snapshot?.prometheus.fetchedAt);
  if (!metrics || now === undefined) {
    return { items: [], note: `no Prometheus for cluster '${w.cluster}'` };
  }
  const rows = (metrics.series.meshCertificateExpiry ?? []).filter(r =>
    mesh === 'istio'
      ? r.cert === 'istio-root' || r.cert === 'istio-chain'
      : r.cert === 'linkerd-identity',
  );
  const items = rows.map(r => {
    const it = item(
      ctx,
      DESCRIPTION[r.cert],
      `${METRIC_NAMES[r.cert]}${
        r.namespace ? ` (namespace ${r.namespace})` : ''
      }`,
      r.expiresAt,
      now,
    );
    const left = r.expiresAt - now;
    if (
      r.cert === 'linkerd-identity' &&
      left > 0 &&
      left <= LINKERD_LEAF_HORIZON_SECONDS
    ) {
      return {
        ...it,
        status: 'pass' as Status,
        note: 'a short-lived proxy certificate (24 h by default) that the proxy renews: normal rotation',
      };
    }
    return it;
  });
  return { items };
}

function factItems(
  ctx: EntityContext,
  snapshot: ClusterSnapshot | undefined,
  mesh: 'istio' | 'linkerd',
): { items: CertItem[]; problems: string[] } {
  const facts = (snapshot?.kubernetes.data?.mesh?.certificates ?? []).filter(
    c => c.mesh === mesh,
  );
  const now = secondsOf(snapshot?.kubernetes.fetchedAt);
  const items: CertItem[] = [];
  const problems: string[] = [];
  // The issuer Secret needs its own RBAC grant: without it, say so, and judge the rest.
  const secret = (snapshot?.kubernetes.data?.unavailable ?? []).find(
    u => u.kind === 'Secret' && !u.group,
  );
  if (mesh === 'linkerd' && secret) {
    problems.push(
      `Secret linkerd-identity-issuer not readable (${secret.reason}): ${secret.message}`,
    );
  }
  for (const c of facts) {
    const where = `${c.source.kind} ${c.source.namespace}/${c.source.name} (${c.key})`;
    const notAfter = secondsOf(c.notAfter);
    if (notAfter === undefined || now === undefined) {
      problems.push(`${where}: ${c.problem ?? 'no expiry date'}`);
      continue;
    }
    const role = {
      'trust-anchor': 'the Linkerd trust anchor',
      issuer: 'the Linkerd identity issuer certificate',
      root: "Istio's CA root certificate",
    }[c.role];
    items.push(
      item(
        ctx,
        `${role}${c.subject ? ` (${c.subject})` : ''}`,
        where,
        notAfter,
        now,
      ),
    );
  }
  return { items, problems };
}

function missingReason(
  snapshot: ClusterSnapshot | undefined,
  mesh: 'istio' | 'linkerd',
  note: string | undefined,
): string {
  const ns = expectedNamespace(snapshot, mesh);
  const noMetric =
    mesh === 'istio'
      ? "Prometheus has no citadel_server_root_cert_expiry_timestamp or citadel_server_cert_chain_expiry_timestamp series (is istiod's monitoring port 15014 scraped?)"
      : 'Prometheus has no identity_cert_expiration_timestamp_seconds series (are the proxies scraped on port 4191?)';
  const metricsPart = note
    ? `${note}, so no certificate expiry metric`
    : noMetric;
  const factPart =
    mesh === 'istio'
      ? `and no istio-ca-root-cert ConfigMap was collected in ${ns}`
      : `and neither the linkerd-identity-trust-roots ConfigMap nor linkerd-config was readable in ${ns}`;
  return `${metricsPart}, ${factPart}`;
}

function findingFor(
  ctx: EntityContext,
  w: EntityWorkload,
  mesh: 'istio' | 'linkerd',
): Finding {
  const snapshot = snapshotOf(ctx, w);
  const fromMetrics = metricItems(ctx, w, snapshot, mesh);
  const fromFacts = factItems(ctx, snapshot, mesh);
  const certificates = [...fromMetrics.items, ...fromFacts.items];
  const base = {
    workload: workloadLabel(w),
    mesh,
    certificates,
    problems: fromFacts.problems,
  };
  if (certificates.length === 0) {
    return {
      ...base,
      status: 'unknown',
      reason: missingReason(snapshot, mesh, fromMetrics.note),
    };
  }
  return {
    ...base,
    status: certificates
      .map(c => c.status)
      .reduce((a, b) => worse(a, b), 'pass' as Status),
  };
}

function remediation(f: Finding, w: EntityWorkload, soonest: CertItem): string {
  const restart = ['Deployment', 'StatefulSet', 'DaemonSet'].includes(
    w.workload.kind,
  )
    ? `kubectl rollout restart ${w.workload.kind.toLowerCase()}/${
        w.workload.name
      } -n ${w.workload.namespace}`
    : `kubectl delete pod -n ${w.workload.namespace} ${w.workload.pods
        .map(p => p.name)
        .join(' ')}`;
  if (f.mesh === 'istio') {
    return [
      `# ${soonest.certificate} expires ${soonest.expiresAt} (${soonest.daysLeft} days). Rotate it before then:`,
      '# plugged-in CA (secret cacerts): renew the intermediate (and root) and replace the secret',
      'kubectl create secret generic cacerts -n istio-system --from-file=ca-cert.pem --from-file=ca-key.pem --from-file=root-cert.pem --from-file=cert-chain.pem --dry-run=client -o yaml | kubectl apply -f -',
      'kubectl rollout restart deployment/istiod -n istio-system',
      '# self-signed root (secret istio-ca-secret): follow https://istio.io/latest/docs/ops/configuration/security/root-transition/',
      `# then let ${f.workload}'s proxies fetch certificates from the new CA:`,
      restart,
    ].join('\n');
  }
  return [
    `# ${soonest.certificate} expires ${soonest.expiresAt} (${soonest.daysLeft} days). Rotate it before then:`,
    'step certificate create identity.linkerd.cluster.local issuer.crt issuer.key --profile intermediate-ca --not-after 8760h --no-password --insecure --ca ca.crt --ca-key ca.key',
    'linkerd upgrade --identity-issuer-certificate-file=issuer.crt --identity-issuer-key-file=issuer.key | kubectl apply -f -',
    '# trust anchor: https://linkerd.io/2/tasks/manually-rotating-control-plane-tls-credentials/',
    'linkerd check --proxy',
    `# then restart ${f.workload} so its proxy gets a certificate from the new issuer:`,
    restart,
  ].join('\n');
}

function evaluateExpiry(ctx: EntityContext): CheckOutcome {
  const judged: Array<{ f: Finding; w: EntityWorkload }> = [];
  for (const w of ctx.workloads) {
    const meshing = workloadMeshings(w)[0];
    if (!meshing) continue;
    judged.push({ f: findingFor(ctx, w, meshing.provider), w });
  }
  if (judged.length === 0) {
    return {
      status: 'not-applicable',
      summary:
        'Not in the mesh: no pod runs a proxy or is captured by ambient, so no mesh certificate applies (mesh.enrollment judges enrollment).',
      evidence: { workloads: ctx.workloads.length },
    };
  }
  const status = judged
    .map(j => j.f.status)
    .reduce((a, b) => worse(a, b), 'pass' as Status);
  const evidence = {
    workloads: judged.map(({ f }) => ({
      workload: f.workload,
      mesh: f.mesh,
      status: f.status,
      certificates: f.certificates,
      ...(f.problems.length > 0 ? { problems: f.problems } : {}),
      ...(f.reason ? { reason: f.reason } : {}),
    })),
    thresholds: ctx.settings.certificates,
    scope: 'expiry from the data; rotation tested from an attestation',
  };
  if (status === 'unknown') {
    const f = judged.find(j => j.f.status === 'unknown')!.f;
    return {
      status,
      summary: `Certificate expiry unknown for ${f.workload}: ${f.reason}. ${SCOPE_NOTE}`,
      evidence,
    };
  }
  const all = judged.flatMap(j => j.f.certificates.map(c => ({ c, j })));
  const relevant = all.filter(x => x.c.status === status);
  const soonest = relevant.sort((a, b) => a.c.daysLeft - b.c.daysLeft)[0];
  const { warnDays, failDays } = ctx.settings.certificates;
  if (status === 'pass') {
    const first = [...all].sort(
      (a, b) =>
        Number(Boolean(a.c.note)) - Number(Boolean(b.c.note)) ||
        a.c.daysLeft - b.c.daysLeft,
    )[0];
    return {
      status,
      summary: `${first.c.certificate} is valid for ${
        first.c.daysLeft
      } more days (until ${first.c.expiresAt.slice(
        0,
        10,
      )}), past the ${warnDays}-day warning. ${SCOPE_NOTE}`,
      evidence,
    };
  }
  const limit = status === 'fail' ? failDays : warnDays;
  const when =
    soonest.c.daysLeft <= 0
      ? `expired on ${soonest.c.expiresAt.slice(0, 10)}`
      : `expires in ${soonest.c.daysLeft} days (${soonest.c.expiresAt.slice(
          0,
          10,
        )}), under ${limit} days`;
  // Workloads served by one control plane get the same fix: give it once.
  const fixes = [
    ...new Set(
      judged
        .filter(j => j.f.status === status)
        .map(j =>
          remediation(
            j.f,
            j.w,
            j.f.certificates
              .filter(c => c.status === status)
              .sort((a, b) => a.daysLeft - b.daysLeft)[0],
          ),
        ),
    ),
  ];
  return {
    status,
    summary: `${soonest.c.certificate} ${when} (${soonest.c.source}). ${SCOPE_NOTE}`,
    evidence,
    remediation: fixes.join('\n\n'),
  };
}

export const ROTATION_DRILL_TEMPLATE = 'docs/runbooks/cert-rotation-drill.md';

/** The expiry verdict, with the attested part ("rotation tested") taken into account. */
function evaluate(ctx: EntityContext): CheckOutcome {
  const expiry = evaluateExpiry(ctx);
  if (expiry.status === 'not-applicable') return expiry;
  const id = CHECK_DEFINITIONS['control-plane.certificates'].id;
  const found = attestationState(ctx, id);
  const required = ctx.settings.certificates.requireRotationDrill;
  const base = expiry.summary.replace(` ${SCOPE_NOTE}`, '');
  const evidence = { ...expiry.evidence, rotationDrillRequired: required };
  if (found.state === 'valid') {
    const a = found.attestation;
    return {
      ...expiry,
      summary: `${base} Cert rotation tested: attested by ${
        a.createdBy
      } on ${dayOf(a.createdAt)} (valid until ${dayOf(a.expiresAt)}).`,
      evidence: {
        ...evidence,
        rotationTested: attestationEvidence(a, ctx.entityRef),
      },
    };
  }
  const rotationTested =
    found.state === 'expired'
      ? { expired: attestationEvidence(found.attestation, ctx.entityRef) }
      : null;
  // An unknown expiry stays unknown, with nothing to do yet but collect.
  if (expiry.status === 'unknown') {
    const gap =
      found.state === 'expired'
        ? `Cert rotation drill: attestation expired on ${dayOf(
            found.attestation.expiresAt,
          )}.`
        : 'Rotation: cert rotation drill not attested.';
    return {
      ...expiry,
      summary: `${base} ${gap}`,
      evidence: { ...evidence, rotationTested },
    };
  }
  const attest = howToAttest(
    ctx.entityRef,
    id,
    'Run the cert rotation drill (kill the issuer, watch what happens) and attest it.',
    ROTATION_DRILL_TEMPLATE,
  );
  const fixes = expiry.remediation
    ? `${expiry.remediation}\n\n${attest}`
    : attest;
  let gap: string;
  let status: Status;
  if (found.state === 'expired') {
    const a = found.attestation;
    gap = `Cert rotation drill: attestation expired on ${dayOf(
      a.expiresAt,
    )} (made by ${a.createdBy} on ${dayOf(a.createdAt)}); attest it again.`;
    status = 'fail';
  } else if (required) {
    gap =
      'Rotation: cert rotation drill not attested, and mesh.checks.certificates.requireRotationDrill requires it.';
    status = 'fail';
  } else {
    gap =
      'Rotation: cert rotation drill not attested (the remediation says how to attest it).';
    status = expiry.status;
  }
  // A fail caused by the drill says so first; a fail of the certificates stays first.
  const drillFails = status === 'fail' && expiry.status !== 'fail';
  return {
    status,
    summary: drillFails ? `${gap} ${base}` : `${base} ${gap}`,
    evidence: { ...evidence, rotationTested },
    remediation: fixes,
  };
}

export const certificatesCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['control-plane.certificates'],
  evaluate,
};
