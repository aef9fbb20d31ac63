/**
 * `security.authorization`: is the workload's inbound traffic authorized by policy,
 * enforced, and naming who may call? Per meshed workload, the worst verdict wins.
 *
 * Istio (sidecar and ambient), over the AuthorizationPolicies that apply (mesh,
 * namespace, selector; targetRefs only through a waypoint):
 * - none applies: `fail` (KIA1301);
 * - ambient, an L7 field with no waypoint: `fail` (KIA0109/0110), it never applies;
 *   with a waypoint but bound by selector: `warn`;
 * - an enforced ALLOW with `rules: [{}]`: `warn` (allow-all);
 * - an enforced ALLOW naming principals/namespaces/request principals, or CUSTOM: `pass`;
 * - only dry-run (`istio.io/dry-run`) or AUDIT: `warn`, "flip to enforce", with Envoy's
 *   `shadow_denied` count; ALLOW naming no caller, or DENY only: `warn`.
 *
 * Linkerd, where a port with no Server falls to the default inbound policy
 * (`config.linkerd.io/default-inbound-policy`: workload, then namespace annotation, then
 * linkerd-config, then the built-in all-unauthenticated):
 * - audit default or a Server with accessPolicy audit: `warn`, "flip to enforce", with
 *   `inbound_*_authz_deny_total`;
 * - an AuthorizationPolicy/ServerAuthorization admitting any client (unauthenticated, a
 *   network, identity "*"): `warn`; one naming mesh identities: `pass` (ports with no
 *   Server are named in the summary and evidence);
 * - Servers that all deny, or a `deny` default with no Server: `pass` (default deny);
 * - "no policy selects the workload" (`fail`): no Server selects its pods, nothing
 *   authorizes it, and the default inbound policy is an allow-all one
 *   (all-/cluster-, un-/authenticated) INHERITED from the install (linkerd-config or
 *   Linkerd's built-in default). Nobody decided anything for this workload: the
 *   same gap as Istio's KIA1301;
 * - the same allow-all default CHOSEN for this workload or its namespace (annotation), or
 *   a Server whose accessPolicy allows all: `warn`, as the issue's "an
 *   `all-unauthenticated` default: warn". An explicit all-authenticated is never judged
 *   worse than an explicit all-unauthenticated.
 */
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import {
  AppliedAuthorizationPolicy,
  AuthorizationRuleSummary,
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
  matchLabelsYaml,
  perSecond,
  restartCommand,
  selectorLabels,
  serviceAccountOf,
  unlistedVerdict,
  workloadLabel,
  WorkloadVerdict,
} from './common';
import { sourceIndex } from '../../context/traffic';

/** Callers put in a suggested policy, the busiest first. */
const MAX_CALLERS = 10;

const SELECTOR_SCOPES = ['mesh', 'mesh-selector', 'namespace', 'workload'];

/** Fields only an L7 proxy (sidecar or waypoint) can match; ztunnel sees L4 only. */
function l7Fields(r: AuthorizationRuleSummary): string[] {
  const fields: string[] = [];
  if (r.methods.length || r.notMethods.length) fields.push('methods');
  if (r.paths.length || r.notPaths.length) fields.push('paths');
  if (r.hosts.length) fields.push('hosts');
  if (r.requestPrincipals.length) fields.push('requestPrincipals');
  for (const k of r.conditionKeys) {
    if (k.startsWith('request.') || k.startsWith('experimental.'))
      fields.push(`when ${k}`);
  }
  return fields;
}

/** The rule says who may call: principals, namespaces or JWT principals, not just `*`. */
function namesCallers(r: AuthorizationRuleSummary): boolean {
  const specific = (values: string[]) => values.some(v => v !== '*');
  return (
    specific(r.principals) ||
    specific(r.namespaces) ||
    specific(r.requestPrincipals)
  );
}

const ref = (p: AppliedAuthorizationPolicy) =>
  `${p.policy.ref.namespace}/${p.policy.ref.name}`;

function windowSeconds(window: string): number {
  const m = /^(\d+)([smhd])$/.exec(window);
  if (!m) return 300;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's'];
}

/** What the shadow/audit metrics say would have been denied, as a phrase and figures. */
function wouldBeDenied(
  ctx: EntityContext,
  w: EntityWorkload,
  plane: DataPlane,
): { text: string; rate?: number } {
  const metrics = ctx.metricsFor(w);
  const name =
    plane === 'linkerd'
      ? 'inbound_http_authz_deny_total / inbound_tcp_authz_deny_total'
      : 'Envoy rbac shadow_denied';
  if (!metrics) {
    return {
      text: `would-be-denied count unknown: no Prometheus data (${name})`,
    };
  }
  let rows: { rate: number }[];
  if (plane === 'linkerd') {
    rows = metrics.series.linkerdAuthzDenials?.[workloadKey(w)] ?? [];
  } else {
    const pods = new Set(w.workload.pods.map(p => p.name));
    rows = (
      metrics.series.istioShadowDenials?.[w.workload.namespace] ?? []
    ).filter(r => pods.has(r.pod));
  }
  if (rows.length === 0) {
    return {
      text: `no shadow-deny metrics (${name}) for these pods, so the would-be-denied count is unknown`,
    };
  }
  const rate = rows.reduce((s, r) => s + r.rate, 0);
  const count = Math.round(rate * windowSeconds(ctx.window));
  return {
    text: `${count} request(s) would have been denied in the last ${
      ctx.window
    } (${perSecond(rate)}, ${name})`,
    rate,
  };
}

/** Callers seen in the window, as `namespace/workload`, from the callers' own reports. */
function istioCallers(ctx: EntityContext, w: EntityWorkload): string[] {
  const metrics = ctx.metricsFor(w);
  if (!metrics) return [];
  const key = workloadKey(w);
  const byCaller = new Map<string, number>();
  for (const r of sourceIndex(metrics).byDestinationWorkload.get(key) ?? []) {
    if (!r.source) continue;
    byCaller.set(r.source, (byCaller.get(r.source) ?? 0) + r.rate);
  }
  return [...byCaller.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_CALLERS)
    .map(([k]) => k);
}

function istioPolicyYaml(ctx: EntityContext, w: EntityWorkload): string {
  const { namespace, name } = w.workload;
  const snap = ctx.snapshots.find(s => s.cluster === w.cluster);
  const trustDomain =
    snap?.kubernetes.data?.mesh.istio.meshConfig.trustDomain ?? 'cluster.local';
  const callers = istioCallers(ctx, w);
  const principals = callers.map(c => {
    const [ns, wl] = c.split('/');
    const sa = serviceAccountOf(ctx, w.cluster, c) ?? wl;
    return `${trustDomain}/ns/${ns}/sa/${sa}`;
  });
  return [
    callers.length > 0
      ? `# Callers seen in the last ${ctx.window}: ${callers.join(', ')}`
      : "# No callers seen in metrics: replace the placeholder with your callers' service accounts",
    'apiVersion: security.istio.io/v1',
    'kind: AuthorizationPolicy',
    'metadata:',
    `  name: ${name}-allow-callers`,
    `  namespace: ${namespace}`,
    'spec:',
    '  selector:',
    '    matchLabels:',
    ...matchLabelsYaml(selectorLabels(w.workload), '      '),
    '  action: ALLOW',
    '  rules:',
    '    - from:',
    '        - source:',
    '            principals:',
    ...(principals.length > 0
      ? principals
      : [`${trustDomain}/ns/${namespace}/sa/<caller-service-account>`]
    ).map(p => `              - ${JSON.stringify(p)}`),
  ].join('\n');
}

function judgeIstio(
  ctx: EntityContext,
  w: EntityWorkload,
  plane: DataPlane,
  label: string,
): WorkloadVerdict {
  const { namespace, name } = w.workload;
  const applied = w.mesh.istio.authorizationPolicies;
  const hasWaypoint = w.mesh.istio.waypoints.some(x => x.gatewayFound);
  const head = `${label} (${DATA_PLANE_LABEL[plane]})`;
  const ineffective = applied.filter(
    p =>
      !SELECTOR_SCOPES.includes(p.scope) &&
      (plane !== 'istio-ambient' || !hasWaypoint),
  );
  const effective = applied.filter(p => !ineffective.includes(p));
  const l7OnZtunnel =
    plane === 'istio-ambient'
      ? effective.flatMap(p =>
          SELECTOR_SCOPES.includes(p.scope)
            ? p.policy.rules
                .flatMap(l7Fields)
                .filter((f, i, all) => all.indexOf(f) === i)
                .map(f => ({ policy: ref(p), field: f }))
            : [],
        )
      : [];
  const evidence: Record<string, unknown> = {
    workload: label,
    dataPlane: DATA_PLANE_LABEL[plane],
    policies: applied.map(p => ({
      kind: 'AuthorizationPolicy',
      group: 'security.istio.io',
      namespace: p.policy.ref.namespace,
      name: p.policy.ref.name,
      scope: p.scope,
      action: p.policy.action,
      dryRun: p.policy.dryRun,
      rules: p.policy.rules.length,
      ...(p.policy.denyAll ? { denyAll: true } : {}),
    })),
    ...(plane === 'istio-ambient'
      ? { waypoints: w.mesh.istio.waypoints.map(x => x.gateway) }
      : {}),
    ...(ineffective.length > 0 ? { notEnforced: ineffective.map(ref) } : {}),
  };
  if (l7OnZtunnel.length > 0) {
    const policies = [...new Set(l7OnZtunnel.map(x => x.policy))];
    const fields = [...new Set(l7OnZtunnel.map(x => x.field))];
    evidence.l7RulesOnZtunnel = l7OnZtunnel;
    const waypointFix = [
      `Deploy a waypoint and bind L7 rules to it, so they are enforced:`,
      `istioctl waypoint apply -n ${namespace} --enroll-namespace --wait`,
      `then replace the policy's selector with targetRefs: [{ kind: Service, group: "", name: <service of ${name}> }].`,
      `Or keep only L4 fields (from.source.principals/namespaces/ipBlocks, to.operation.ports) in ${policies.join(
        ', ',
      )}:`,
      istioPolicyYaml(ctx, w),
    ].join('\n');
    if (!hasWaypoint) {
      return {
        workload: label,
        status: 'fail',
        summary: `${head}: AuthorizationPolicy ${policies.join(
          ', ',
        )} has L7 rules (${fields.join(
          ', ',
        )}) but the workload has no waypoint: ztunnel enforces L4 only, so they never apply as written (KIA0109/KIA0110).`,
        evidence,
        remediation: waypointFix,
      };
    }
    return {
      workload: label,
      status: 'warn',
      summary: `${head}: AuthorizationPolicy ${policies.join(
        ', ',
      )} has L7 rules (${fields.join(
        ', ',
      )}) bound by selector, so ztunnel (L4 only) applies it, not the waypoint: bind it with targetRefs.`,
      evidence,
      remediation: `Bind ${policies.join(
        ', ',
      )} to the waypoint: replace spec.selector with targetRefs: [{ kind: Service, group: "", name: <service of ${name}> }] (kubectl edit authorizationpolicy -n <namespace> <name>).`,
    };
  }
  const notEnforcedNote =
    ineffective.length > 0
      ? ` (${ineffective
          .map(ref)
          .join(
            ', ',
          )} target a Service or waypoint and are not enforced without a waypoint)`
      : '';
  if (effective.length === 0) {
    return {
      workload: label,
      status: 'fail',
      summary: `${head}: no AuthorizationPolicy applies to ${namespace}/${name} (KIA1301): any caller can reach it${notEnforcedNote}.`,
      evidence,
      remediation: `Start in dry-run (annotation istio.io/dry-run: "true"), watch what would be denied, then enforce:\n${istioPolicyYaml(
        ctx,
        w,
      )}`,
    };
  }
  const auditing = effective.filter(
    p => p.policy.dryRun || p.policy.action === 'AUDIT',
  );
  const enforced = effective.filter(p => !auditing.includes(p));
  const allow = enforced.filter(p => p.policy.action === 'ALLOW');
  const custom = enforced.filter(p => p.policy.action === 'CUSTOM');
  const deny = enforced.filter(p => p.policy.action === 'DENY');
  const allowAll = allow.filter(
    p => !p.policy.denyAll && p.policy.rules.some(r => r.matchesAnyRequest),
  );
  const identity = allow.filter(
    p => p.policy.denyAll || p.policy.rules.some(namesCallers),
  );
  const pending =
    auditing.length > 0
      ? `; still in dry-run/audit: ${auditing.map(ref).join(', ')}`
      : '';
  if (allowAll.length > 0) {
    return {
      workload: label,
      status: 'warn',
      summary: `${head}: ALLOW policy ${allowAll
        .map(ref)
        .join(
          ', ',
        )} has a rule that matches every request (rules: [{}]): any caller is allowed${pending}.`,
      evidence,
      remediation: `Replace the allow-all rule with the callers that need access:\n${istioPolicyYaml(
        ctx,
        w,
      )}`,
    };
  }
  if (identity.length > 0 || custom.length > 0) {
    const named = [...identity, ...custom].map(ref).join(', ');
    return {
      workload: label,
      status: 'pass',
      summary: `${head}: enforced ${
        custom.length > 0 && identity.length === 0
          ? 'CUSTOM (external authorizer)'
          : 'ALLOW'
      } policy ${named} names who may call${pending}${notEnforcedNote}.`,
      evidence,
    };
  }
  if (auditing.length > 0) {
    const denied = wouldBeDenied(ctx, w, plane);
    evidence.wouldBeDenied = denied;
    const flips = auditing
      .map(p =>
        p.policy.dryRun
          ? `kubectl annotate authorizationpolicy ${p.policy.ref.name} -n ${p.policy.ref.namespace} istio.io/dry-run-`
          : `# ${ref(
              p,
            )} is action AUDIT (logs only): add an enforcing ALLOW policy with the same rules`,
      )
      .join('\n');
    return {
      workload: label,
      status: 'warn',
      summary: `${head}: only dry-run/audit authorization (${auditing
        .map(ref)
        .join(
          ', ',
        )}); flip to enforce once nothing legitimate would be denied: ${
        denied.text
      }.`,
      evidence,
      remediation: `Flip to enforce:\n${flips}${
        identity.length === 0 &&
        !auditing.some(p => p.policy.rules.some(namesCallers))
          ? `\nand make sure an ALLOW policy names the callers:\n${istioPolicyYaml(
              ctx,
              w,
            )}`
          : ''
      }`,
    };
  }
  if (allow.length > 0) {
    return {
      workload: label,
      status: 'warn',
      summary: `${head}: ALLOW policy ${allow
        .map(ref)
        .join(
          ', ',
        )} names no caller (no principals, namespaces or request principals): any caller matching its operations is allowed.`,
      evidence,
      remediation: `Add a source to each rule:\n${istioPolicyYaml(ctx, w)}`,
    };
  }
  return {
    workload: label,
    status: 'warn',
    summary: `${head}: only DENY policies (${deny
      .map(ref)
      .join(
        ', ',
      )}): DENY-only is not an allow-list, everything they do not match is allowed.`,
    evidence,
    remediation: `Add an ALLOW policy naming the callers (DENY policies are evaluated first and still apply):\n${istioPolicyYaml(
      ctx,
      w,
    )}`,
  };
}

function linkerdPolicyYaml(w: EntityWorkload, audit: boolean): string {
  const { namespace, name } = w.workload;
  const containers =
    w.workload.pods[0]?.containers ?? w.workload.templateContainers;
  const port =
    containers.flatMap(c => c.ports)[0] ??
    (w.mesh.services[0]?.ports[0]
      ? {
          containerPort:
            Number(w.mesh.services[0].ports[0].targetPort) ||
            w.mesh.services[0].ports[0].port,
          name:
            typeof w.mesh.services[0].ports[0].targetPort === 'string'
              ? w.mesh.services[0].ports[0].targetPort
              : undefined,
        }
      : undefined);
  const portValue = port?.name ?? String(port?.containerPort ?? '<port>');
  return [
    'apiVersion: policy.linkerd.io/v1beta3',
    'kind: Server',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    ...matchLabelsYaml(selectorLabels(w.workload), '      '),
    `  port: ${portValue}`,
    ...(audit
      ? ['  accessPolicy: audit  # remove once nothing legitimate is denied']
      : []),
    '---',
    'apiVersion: policy.linkerd.io/v1alpha1',
    'kind: MeshTLSAuthentication',
    'metadata:',
    `  name: ${name}-callers`,
    `  namespace: ${namespace}`,
    'spec:',
    '  identityRefs:',
    '    - kind: ServiceAccount',
    '      name: <caller-service-account>',
    `      namespace: ${namespace}`,
    '---',
    'apiVersion: policy.linkerd.io/v1alpha1',
    'kind: AuthorizationPolicy',
    'metadata:',
    `  name: ${name}-allow-callers`,
    `  namespace: ${namespace}`,
    'spec:',
    '  targetRef:',
    '    group: policy.linkerd.io',
    '    kind: Server',
    `    name: ${name}`,
    '  requiredAuthenticationRefs:',
    '    - group: policy.linkerd.io',
    '      kind: MeshTLSAuthentication',
    `      name: ${name}-callers`,
  ].join('\n');
}

const LINKERD_OPEN_DEFAULTS = [
  'all-unauthenticated',
  'cluster-unauthenticated',
];

/** Default inbound policies that let in every client of some kind. */
const LINKERD_ALLOW_ALL_DEFAULTS = [
  ...LINKERD_OPEN_DEFAULTS,
  'all-authenticated',
  'cluster-authenticated',
];

/** Who a default inbound policy or a Server's accessPolicy lets in. */
function admits(policy: string): string {
  if (LINKERD_OPEN_DEFAULTS.includes(policy))
    return 'any client, even plaintext';
  if (LINKERD_ALLOW_ALL_DEFAULTS.includes(policy)) return 'any meshed client';
  return `the clients '${policy}' allows`;
}

/** The workload's declared container ports that no selecting Server covers. */
function portsWithoutServer(w: EntityWorkload): string[] {
  const containers =
    w.workload.pods[0]?.containers ?? w.workload.templateContainers;
  const servers = w.mesh.linkerd.servers;
  return containers
    .flatMap(c => c.ports)
    .filter(
      p =>
        !servers.some(
          s =>
            s.port === p.containerPort ||
            (p.name !== undefined && s.port === p.name),
        ),
    )
    .map(p => (p.name ? `${p.name}/${p.containerPort}` : `${p.containerPort}`));
}

function judgeLinkerd(
  ctx: EntityContext,
  w: EntityWorkload,
  label: string,
): WorkloadVerdict {
  const { namespace, name } = w.workload;
  const head = `${label} (Linkerd)`;
  const l = w.mesh.linkerd;
  const dip = l.defaultInboundPolicy;
  const identityAp = l.authorizationPolicies.filter(
    a =>
      a.meshTLSAuthentications.some(
        m => m.identities.some(i => i !== '*') || m.identityRefs.length > 0,
      ) ||
      a.policy.requiredAuthenticationRefs.some(
        r => r.kind === 'ServiceAccount',
      ),
  );
  const openAp = l.authorizationPolicies.filter(a => !identityAp.includes(a));
  const identitySa = l.serverAuthorizations.filter(
    s =>
      !s.unauthenticated &&
      !s.unauthenticatedTLS &&
      (s.identities.some(i => i !== '*') || s.serviceAccounts.length > 0),
  );
  const openSa = l.serverAuthorizations.filter(s => !identitySa.includes(s));
  const auditServers = l.servers.filter(s => s.accessPolicy === 'audit');
  const nsRef = (r: { namespace: string; name: string }) =>
    `${r.namespace}/${r.name}`;
  const evidence: Record<string, unknown> = {
    workload: label,
    dataPlane: 'Linkerd',
    defaultInboundPolicy: dip,
    servers: l.servers.map(s => ({
      kind: 'Server',
      group: 'policy.linkerd.io',
      namespace: s.ref.namespace,
      name: s.ref.name,
      port: s.port,
      accessPolicy: s.accessPolicy,
    })),
    authorizationPolicies: l.authorizationPolicies.map(a => ({
      kind: 'AuthorizationPolicy',
      group: 'policy.linkerd.io',
      namespace: a.policy.ref.namespace,
      name: a.policy.ref.name,
      servers: a.servers,
      meshTLSAuthentications: a.meshTLSAuthentications.map(m => ({
        name: m.ref.name,
        identities: m.identities,
        identityRefs: m.identityRefs,
      })),
      networkAuthentications: a.networkAuthentications.map(n => n.ref.name),
      ...(a.missingAuthentications.length > 0
        ? { missingAuthentications: a.missingAuthentications }
        : {}),
    })),
    serverAuthorizations: l.serverAuthorizations.map(s => nsRef(s.ref)),
  };
  const uncovered = l.servers.length > 0 ? portsWithoutServer(w) : [];
  if (uncovered.length > 0) evidence.portsWithoutServer = uncovered;
  // A port no Server covers falls back to the default inbound policy.
  const uncoveredNote =
    uncovered.length > 0 && dip.policy !== 'deny'
      ? `; port(s) ${uncovered.join(
          ', ',
        )} have no Server, so the default inbound policy ${
          dip.policy
        } applies there`
      : '';
  if (dip.policy === 'audit' || auditServers.length > 0) {
    const denied = wouldBeDenied(ctx, w, 'linkerd');
    evidence.wouldBeDenied = denied;
    const where =
      dip.policy === 'audit'
        ? `default inbound policy audit (${dip.source})`
        : `Server ${auditServers
            .map(s => nsRef(s.ref))
            .join(', ')} accessPolicy audit`;
    let flip = `kubectl patch server -n ${namespace} ${auditServers[0]?.ref.name} --type merge -p '{"spec":{"accessPolicy":"deny"}}'`;
    if (dip.policy === 'audit' && dip.source === 'workload') {
      flip = `Set config.linkerd.io/default-inbound-policy: all-authenticated (or deny) on the pod template of ${namespace}/${name}, then: ${restartCommand(
        w.workload,
      )}`;
    } else if (dip.policy === 'audit') {
      flip = `kubectl annotate namespace ${namespace} config.linkerd.io/default-inbound-policy=all-authenticated --overwrite\n${restartCommand(
        w.workload,
      )}`;
    }
    return {
      workload: label,
      status: 'warn',
      summary: `${head}: ${where} allows everything and only records what would be denied; flip to enforce: ${denied.text}.`,
      evidence,
      remediation: `Flip to enforce once nothing legitimate would be denied:\n${flip}${
        identityAp.length + identitySa.length === 0
          ? `\nand authorize the callers explicitly:\n${linkerdPolicyYaml(
              w,
              false,
            )}`
          : ''
      }`,
    };
  }
  if (openAp.length + openSa.length > 0) {
    const names = [
      ...openAp.map(a => nsRef(a.policy.ref)),
      ...openSa.map(s => nsRef(s.ref)),
    ];
    return {
      workload: label,
      status: 'warn',
      summary: `${head}: ${names.join(
        ', ',
      )} authorize any client (unauthenticated, a network, or any meshed identity "*") rather than named identities.`,
      evidence,
      remediation: `Require named identities (MeshTLSAuthentication):\n${linkerdPolicyYaml(
        w,
        false,
      )}`,
    };
  }
  if (identityAp.length + identitySa.length > 0) {
    const names = [
      ...identityAp.map(a => nsRef(a.policy.ref)),
      ...identitySa.map(s => nsRef(s.ref)),
    ];
    return {
      workload: label,
      status: 'pass',
      summary: `${head}: enforced ${names.join(
        ', ',
      )} authorize named mesh identities; default inbound policy ${
        dip.policy
      }${uncoveredNote}.`,
      evidence,
    };
  }
  if (l.servers.length > 0 && l.servers.every(s => s.accessPolicy === 'deny')) {
    return {
      workload: label,
      status: 'pass',
      summary: `${head}: Server ${l.servers
        .map(s => nsRef(s.ref))
        .join(', ')} deny every client no policy authorizes (default deny).`,
      evidence,
    };
  }
  if (l.servers.length === 0 && dip.policy === 'deny') {
    return {
      workload: label,
      status: 'pass',
      summary: `${head}: default inbound policy deny (${dip.source}) rejects every client no policy authorizes.`,
      evidence,
    };
  }
  const open = admits(dip.policy);
  const remediation = `Start with the Server in audit, check inbound_http_authz_deny_total, then remove accessPolicy: audit:\n${linkerdPolicyYaml(
    w,
    true,
  )}`;
  const inherited = dip.source === 'cluster' || dip.source === 'default';
  if (
    l.servers.length === 0 &&
    inherited &&
    LINKERD_ALLOW_ALL_DEFAULTS.includes(dip.policy)
  ) {
    return {
      workload: label,
      status: 'fail',
      summary: `${head}: no policy selects ${namespace}/${name}: no Server selects its pods and no AuthorizationPolicy or ServerAuthorization applies; the default inbound policy ${
        dip.policy
      } (${dip.source}) allows ${open}${
        dip.source === 'default'
          ? " (Linkerd's install default)"
          : ' (install-wide, linkerd-config)'
      }.`,
      evidence,
      remediation,
    };
  }
  const openServers = l.servers.filter(s => s.accessPolicy !== 'deny');
  const what =
    openServers.length > 0
      ? openServers
          .map(
            s =>
              `Server ${nsRef(s.ref)} (accessPolicy ${
                s.accessPolicy
              }) lets in ${admits(s.accessPolicy)}`,
          )
          .join('; ')
      : `the default inbound policy ${dip.policy} (${dip.source}${
          inherited ? '' : ', chosen explicitly'
        }) allows ${open}`;
  return {
    workload: label,
    status: 'warn',
    summary: `${head}: no AuthorizationPolicy or ServerAuthorization applies; ${what}${uncoveredNote}.`,
    evidence,
    remediation,
  };
}

function judge(ctx: EntityContext, w: EntityWorkload): WorkloadVerdict | null {
  const plane = dataPlaneOf(w);
  if (!plane) return null;
  const label = workloadLabel(w);
  const kinds =
    plane === 'linkerd'
      ? [
          'policy.linkerd.io/Server',
          'policy.linkerd.io/AuthorizationPolicy',
          'policy.linkerd.io/MeshTLSAuthentication',
          'policy.linkerd.io/ServerAuthorization',
        ]
      : ['security.istio.io/AuthorizationPolicy'];
  const unlisted = unlistedVerdict(
    ctx,
    w,
    plane,
    kinds,
    'authorization policies cannot be judged',
  );
  if (unlisted) return unlisted;
  return plane === 'linkerd'
    ? judgeLinkerd(ctx, w, label)
    : judgeIstio(ctx, w, plane, label);
}

function evaluate(ctx: EntityContext): CheckOutcome {
  return judgeWorkloads(
    ctx,
    judge,
    'Not in the mesh: no workload has a proxy or ambient capture, so no mesh authorization policy can apply (mesh.enrollment covers meshing).',
  );
}

export const authorizationCheck: MeshCheck = {
  definition: CHECK_DEFINITIONS['security.authorization'],
  requiredKinds: ['Pod'],
  evaluate,
};
