import {
  CHECK_DEFINITIONS,
  CheckStatus,
} from '@mesh-readiness/plugin-mesh-common';
import {
  CheckOutcome,
  EntityContext,
  EntityWorkload,
  MeshCheck,
  MetricsData,
  workloadKey,
} from '@mesh-readiness/plugin-mesh-node';
import {
  DATA_PLANE_LABEL,
  DataPlane,
  dataPlaneOf,
  judgeWorkloads,
  matchLabelsYaml,
  percent,
  perSecond,
  restartCommand,
  selectorLabels,
  unlistedVerdict,
  workloadLabel,
  WorkloadVerdict,
  worst,
} from './common';

/** Any plaintext share is `warn`; below this encrypted share it is `fail`. */
export const MTLS_FAIL_BELOW = 0.95;
/** Callers named in the evidence and the summary, the busiest first. */
const MAX_SOURCES = 10;

const MODE_STATUS: Record<string, CheckStatus> = {
  STRICT: 'pass',
  PERMISSIVE: 'warn',
  DISABLE: 'fail',
};

const ISTIO_EXCLUDE_INBOUND = 'traffic.sidecar.istio.io/excludeInboundPorts';
const LINKERD_SKIP_INBOUND = 'config.linkerd.io/skip-inbound-ports';
const LINKERD_DISABLE_IDENTITY = 'config.linkerd.io/disable-identity';
const LINKERD_IDENTITY_MODE = 'linkerd.io/identity-mode';
/** Default inbound policies under which a meshed Linkerd pod still accepts plaintext. */
const LINKERD_PLAINTEXT_POLICIES = [
  'all-unauthenticated',
  'cluster-unauthenticated',
  'audit',
];

interface ModeVerdict {
  status: CheckStatus;
  text: string;
  evidence: Record<string, unknown>;
}

interface ObservedUnit {
  unit: 'requests' | 'connections';
  reporter: string;
  total: number;
  encrypted: number;
  share: number;
}

interface Observed {
  status: CheckStatus;
  text: string;
  units: ObservedUnit[];
  plaintextSources: { source: string; rate: number; unit: string }[];
  note?: string;
}

/** Annotation values of the template and every pod, deduplicated. */
function annotationValues(w: EntityWorkload, key: string): string[] {
  const values = [
    w.workload.templateAnnotations[key],
    ...w.workload.pods.map(p => p.annotations[key]),
  ].filter((v): v is string => Boolean(v));
  return [...new Set(values)];
}

function portList(values: string[]): string[] {
  return [
    ...new Set(
      values.flatMap(v =>
        v
          .split(',')
          .map(p => p.trim())
          .filter(Boolean),
      ),
    ),
  ];
}

function istioMode(w: EntityWorkload, plane: DataPlane): ModeVerdict {
  const mtls = w.mesh.istio.mtls;
  const origin = mtls.decidedBy
    ? `PeerAuthentication ${mtls.decidedBy.namespace}/${mtls.decidedBy.name} (${mtls.level} level)`
    : "Istio's default (no PeerAuthentication applies)";
  const statuses: CheckStatus[] = [MODE_STATUS[mtls.mode] ?? 'warn'];
  const parts = [`mTLS mode ${mtls.mode} from ${origin}`];
  const weakPorts = mtls.ports.filter(p => p.mode !== 'STRICT');
  for (const p of weakPorts) statuses.push(MODE_STATUS[p.mode] ?? 'warn');
  if (weakPorts.length > 0) {
    parts.push(
      `port-level override${weakPorts.length > 1 ? 's' : ''} ${weakPorts
        .map(p => `${p.port}=${p.mode}`)
        .join(', ')}`,
    );
  }
  const bypassed =
    plane === 'istio-sidecar'
      ? portList(annotationValues(w, ISTIO_EXCLUDE_INBOUND)).filter(
          p => p !== '',
        )
      : [];
  if (bypassed.length > 0) {
    statuses.push('warn');
    parts.push(
      `inbound port${bypassed.length > 1 ? 's' : ''} ${bypassed.join(
        ', ',
      )} bypass the sidecar (${ISTIO_EXCLUDE_INBOUND}) and accept plaintext`,
    );
  }
  return {
    status: worst(statuses),
    text: parts.join('; '),
    evidence: {
      mode: mtls.mode,
      level: mtls.level,
      ...(mtls.decidedBy ? { decidedBy: mtls.decidedBy } : {}),
      chain: mtls.chain,
      ...(mtls.ignored.length > 0 ? { ignoredPolicies: mtls.ignored } : {}),
      ports: mtls.ports,
      ...(bypassed.length > 0 ? { bypassedInboundPorts: bypassed } : {}),
      ...(plane === 'istio-ambient'
        ? {
            note: 'ztunnel encrypts traffic between ambient pods (HBONE) whatever the mode; the PeerAuthentication mode decides whether plaintext from outside the mesh is accepted',
          }
        : {}),
    },
  };
}

function linkerdMode(w: EntityWorkload): ModeVerdict {
  const policy = w.mesh.linkerd.defaultInboundPolicy;
  const identityOff =
    annotationValues(w, LINKERD_DISABLE_IDENTITY).includes('true') ||
    annotationValues(w, LINKERD_IDENTITY_MODE).includes('disabled');
  const skipped = portList(annotationValues(w, LINKERD_SKIP_INBOUND));
  const statuses: CheckStatus[] = [];
  const parts: string[] = [];
  if (identityOff) {
    statuses.push('fail');
    parts.push(
      `proxy identity is disabled (${LINKERD_DISABLE_IDENTITY} / ${LINKERD_IDENTITY_MODE}): the proxy neither presents nor requires a certificate, so no traffic is mTLS`,
    );
  } else {
    statuses.push('pass');
    parts.push('proxy identity on: meshed peers talk mTLS automatically');
  }
  if (LINKERD_PLAINTEXT_POLICIES.includes(policy.policy)) {
    statuses.push('warn');
    parts.push(
      `default inbound policy ${policy.policy} (${policy.source}) still accepts plaintext from unmeshed clients`,
    );
  } else {
    parts.push(
      `default inbound policy ${policy.policy} (${policy.source}) requires authenticated (mTLS) clients`,
    );
  }
  if (skipped.length > 0) {
    statuses.push('warn');
    parts.push(
      `inbound port${skipped.length > 1 ? 's' : ''} ${skipped.join(
        ', ',
      )} skip the proxy (${LINKERD_SKIP_INBOUND}) and accept plaintext`,
    );
  }
  return {
    status: worst(statuses),
    text: parts.join('; '),
    evidence: {
      identity: identityOff ? 'disabled' : 'enabled',
      defaultInboundPolicy: policy,
      ...(skipped.length > 0 ? { skippedInboundPorts: skipped } : {}),
    },
  };
}

function shareUnit(
  unit: ObservedUnit['unit'],
  reporter: string,
  all: { encrypted: boolean | undefined; rate: number }[],
): ObservedUnit[] {
  // A row whose security label is missing says nothing either way.
  const rows = all.filter(r => r.encrypted !== undefined);
  const total = rows.reduce((s, r) => s + r.rate, 0);
  if (!(total > 0)) return [];
  const encrypted = rows
    .filter(r => r.encrypted)
    .reduce((s, r) => s + r.rate, 0);
  return [{ unit, reporter, total, encrypted, share: encrypted / total }];
}

function observe(
  w: EntityWorkload,
  plane: DataPlane,
  metrics: MetricsData | undefined,
  window: string,
): Observed {
  if (!metrics) {
    return {
      status: 'pass',
      text: 'observed share unknown: no Prometheus data for this cluster',
      units: [],
      plaintextSources: [],
    };
  }
  const key = workloadKey(w);
  const { series } = metrics;
  const units: ObservedUnit[] = [];
  // Sidecars report `none` for plaintext; ztunnel knows only `mutual_tls` and `unknown`.
  const plaintext = plane === 'istio-ambient' ? ['none', 'unknown'] : ['none'];
  const mutual = (s?: string) => {
    if (s === 'mutual_tls') return true;
    return s && plaintext.includes(s) ? false : undefined;
  };
  if (plane === 'linkerd') {
    const rows = (series.linkerdResponses[key] ?? []).filter(
      r => r.reporter === 'inbound',
    );
    units.push(
      ...shareUnit(
        'requests',
        'inbound',
        rows.map(r => ({
          // Loopback traffic never leaves the pod: nothing to encrypt.
          encrypted: r.security === 'true' || r.security === 'loopback',
          rate: r.rate,
        })),
      ),
    );
  } else {
    const l7 = series.istioRequests[key] ?? [];
    const reporter = plane === 'istio-ambient' ? 'waypoint' : 'destination';
    units.push(
      ...shareUnit(
        'requests',
        reporter,
        l7
          .filter(r => r.reporter === reporter)
          .map(r => ({ encrypted: mutual(r.security), rate: r.rate })),
      ),
      ...shareUnit(
        'connections',
        plane === 'istio-ambient' ? 'ztunnel' : 'destination',
        (series.istioTcp[key] ?? []).map(r => ({
          encrypted: mutual(r.security),
          rate: r.connectionsPerSecond,
        })),
      ),
    );
  }
  if (units.length === 0) {
    return {
      status: 'pass',
      text: `observed share unknown: no inbound traffic in the ${window} window`,
      units,
      plaintextSources: [],
    };
  }
  const lowest = units.reduce((a, b) => (b.share < a.share ? b : a));
  let status: CheckStatus = 'pass';
  if (lowest.share < MTLS_FAIL_BELOW) status = 'fail';
  else if (lowest.share < 1) status = 'warn';
  const plaintextSources: Observed['plaintextSources'] = [];
  let note: string | undefined;
  if (status !== 'pass') {
    if (plane === 'linkerd') {
      const byReason = new Map<string, number>();
      for (const r of series.linkerdResponses[key] ?? []) {
        if (
          r.reporter !== 'inbound' ||
          r.security === 'true' ||
          r.security === 'loopback'
        )
          continue;
        const reason = r.security ?? 'unknown';
        byReason.set(reason, (byReason.get(reason) ?? 0) + r.rate);
      }
      for (const [reason, rate] of byReason) {
        plaintextSources.push({
          source: `unidentified clients (no_tls_reason=${reason})`,
          rate,
          unit: 'requests',
        });
      }
      note = `Linkerd's inbound metrics carry no client identity or address for plaintext requests; see the clients with: linkerd viz tap ${w.workload.kind.toLowerCase()}/${
        w.workload.name
      } -n ${w.workload.namespace}`;
    } else {
      const rows = metrics.series.istioPlaintextInbound?.[key] ?? [];
      for (const r of rows) {
        plaintextSources.push({
          source:
            r.source ??
            'unknown (no peer metadata: a client outside the mesh, or with its own sidecar bypassed)',
          rate: r.rate,
          unit: r.unit,
        });
      }
      if (rows.length === 0) {
        note =
          'the plaintext callers could not be named: no per-caller series (istioPlaintextInbound) in the window';
      }
    }
    plaintextSources.sort((a, b) => b.rate - a.rate);
  }
  const text = units
    .map(
      u =>
        `${percent(u.share)} of inbound ${u.unit} (${perSecond(u.total)}, ${
          u.reporter
        }) over mTLS`,
    )
    .join(', ');
  return {
    status,
    text,
    units,
    plaintextSources: plaintextSources.slice(0, MAX_SOURCES),
    ...(note ? { note } : {}),
  };
}

function istioRemediation(
  w: EntityWorkload,
  observed: Observed,
  ctx: EntityContext,
): string {
  const { namespace, name } = w.workload;
  const mtls = w.mesh.istio.mtls;
  const workloadPolicy =
    mtls.chain.find(c => c.level === 'workload')?.ref.name ?? `${name}-strict`;
  const lines: string[] = [];
  const callers = observed.plaintextSources.map(s => s.source);
  if (callers.length > 0) {
    lines.push(
      `Mesh these plaintext callers first, or STRICT will reject them: ${callers.join(
        '; ',
      )}.`,
    );
  }
  lines.push(
    `Require mTLS for ${namespace}/${name} (kubectl apply -f -):`,
    'apiVersion: security.istio.io/v1',
    'kind: PeerAuthentication',
    'metadata:',
    `  name: ${workloadPolicy}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  selector:',
    '    matchLabels:',
    ...matchLabelsYaml(selectorLabels(w.workload), '      '),
    '  mtls:',
    '    mode: STRICT',
  );
  if (mtls.ports.some(p => p.mode !== 'STRICT')) {
    lines.push(
      '  # no portLevelMtls: every port is STRICT (it replaces the DISABLE/PERMISSIVE overrides)',
    );
  }
  if (w.workload.templateAnnotations[ISTIO_EXCLUDE_INBOUND]) {
    lines.push(
      `Remove the ${ISTIO_EXCLUDE_INBOUND} annotation from the pod template and restart: ${restartCommand(
        w.workload,
      )}`,
    );
  }
  lines.push(
    `Then check that no plaintext remains: sum by (source_workload_namespace, source_workload) (rate(istio_requests_total{reporter="destination",destination_workload_namespace="${namespace}",destination_workload="${name}",connection_security_policy!="mutual_tls"}[${ctx.window}]))`,
  );
  return lines.join('\n');
}

function linkerdRemediation(w: EntityWorkload, observed: Observed): string {
  const { namespace, name } = w.workload;
  const lines: string[] = [];
  const ev = linkerdMode(w).evidence;
  if (ev.identity === 'disabled') {
    lines.push(
      `Remove ${LINKERD_DISABLE_IDENTITY} (and ${LINKERD_IDENTITY_MODE}: disabled) from the pod template of ${namespace}/${name}, then restart: ${restartCommand(
        w.workload,
      )}`,
    );
  }
  if (observed.plaintextSources.length > 0 && observed.note) {
    lines.push(
      `Find and mesh the plaintext clients first: ${observed.note.replace(
        /^.*; see the clients with: /,
        '',
      )}`,
    );
  }
  if (
    LINKERD_PLAINTEXT_POLICIES.includes(
      w.mesh.linkerd.defaultInboundPolicy.policy,
    )
  ) {
    lines.push(
      `Require authenticated (mTLS) clients, then restart so the proxy picks it up:`,
      `kubectl annotate namespace ${namespace} config.linkerd.io/default-inbound-policy=all-authenticated --overwrite`,
      restartCommand(w.workload),
      "(or set the annotation on this workload's pod template only)",
    );
  }
  if (ev.skippedInboundPorts) {
    lines.push(
      `Drop ${LINKERD_SKIP_INBOUND} (or mark the ports opaque with config.linkerd.io/opaque-ports) so the proxy handles them, then restart.`,
    );
  }
  return lines.join('\n');
}

function judge(ctx: EntityContext, w: EntityWorkload): WorkloadVerdict | null {
  const plane = dataPlaneOf(w);
  if (!plane) return null;
  const label = workloadLabel(w);
  const kinds =
    plane === 'linkerd'
      ? ['Pod']
      : ['Pod', 'security.istio.io/PeerAuthentication'];
  const unlisted = unlistedVerdict(
    ctx,
    w,
    plane,
    kinds,
    'mTLS mode cannot be resolved',
  );
  if (unlisted) return unlisted;
  const mode = plane === 'linkerd' ? linkerdMode(w) : istioMode(w, plane);
  const observed = observe(w, plane, ctx.metricsFor(w), ctx.window);
  const status = worst([mode.status, observed.status]);
  const sources =
    observed.plaintextSources.length > 0
      ? `; plaintext from ${observed.plaintextSources
          .slice(0, 3)
          .map(s => `${s.source} ${perSecond(s.rate)}`)
          .join(', ')}`
      : '';
  const verdict: WorkloadVerdict = {
    workload: label,
    status,
    summary: `${label} (${DATA_PLANE_LABEL[plane]}): ${mode.text}; ${observed.text}${sources}.`,
    evidence: {
      workload: label,
      dataPlane: DATA_PLANE_LABEL[plane],
      modeStatus: mode.status,
      ...mode.evidence,
      observed: {
        status: observed.units.length > 0 ? observed.status : 'unknown',
        units: observed.units,
        ...(observed.plaintextSources.length > 0
          ? { plaintextSources: observed.plaintextSources }
          : {}),
        ...(observed.note ? { note: observed.note } : {}),
      },
    },
  };
  if (status === 'warn' || status === 'fail') {
    verdict.remediation =
      plane === 'linkerd'
        ? linkerdRemediation(w, observed)
        : istioRemediation(w, observed, ctx);
  }
  return verdict;
}

function evaluate(ctx: EntityContext): CheckOutcome {
  return judgeWorkloads(
    ctx,
    judge,
    'Not in the mesh: no workload has a proxy or ambient capture, so there is no mTLS to judge (mesh.enrollment covers meshing).',
  );
}

export const mtlsCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['security.mtls'],
  requiredKinds: ['Pod'],
  evaluate,
};
