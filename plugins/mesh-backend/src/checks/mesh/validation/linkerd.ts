/**
 * Linkerd policy that does not bind to what it names. Linkerd has no analyzer codes of
 * its own, so the codes here are this plugin's (`L5D-…`):
 * - L5D-SERVER-PORT: a Server selecting the workload names a port none of its
 *   containers declares, so the Server (and every policy on it) covers no traffic;
 * - L5D-SERVER-SELECTOR: a Server of the namespace whose podSelector matches no pod;
 * - L5D-POLICY-TARGET: an AuthorizationPolicy of the namespace targets a Server,
 *   route or Namespace that does not exist, so it authorizes nothing;
 * - L5D-AUTHN-REF: a policy covering the workload requires an authentication that does
 *   not exist, so it authorizes no client.
 */
import {
  ContainerFacts,
  LinkerdServerFacts,
  PolicyTargetRef,
} from '@mesh-readiness/plugin-mesh-node';
import { matchesLabelSelector } from '../../../snapshot/facts/selectors';
import { Finding, isLinkerd, podLabelsOf, refText, RuleInput } from './types';

/** The proxy's own inbound and admin ports, which a Server may name. */
const PROXY_PORTS = new Set([4143, 4191]);

const kubectl = (kind: string) => `${kind.toLowerCase()}.policy.linkerd.io`;

function portFindings(input: RuleInput): Finding[] {
  const { w } = input;
  const containers: ContainerFacts[] = [
    ...w.workload.pods.flatMap(p => p.containers),
    ...w.workload.templateContainers,
  ];
  const ports = containers.flatMap(c => c.ports);
  const names = new Set(ports.flatMap(p => (p.name ? [p.name] : [])));
  const numbers = new Set(ports.map(p => p.containerPort));
  const matches = (s: LinkerdServerFacts) =>
    typeof s.port === 'string'
      ? names.has(s.port)
      : // Declaring container ports is optional: with none declared, a number may
        // still be right, and only a named port is known to be wrong.
        numbers.size === 0 || numbers.has(s.port) || PROXY_PORTS.has(s.port);
  return w.mesh.linkerd.servers
    .filter(s => !matches(s))
    .map(s => ({
      code: 'L5D-SERVER-PORT',
      level: 'warning' as const,
      object: s.ref,
      message: `${refText(s.ref)}: port ${JSON.stringify(
        s.port,
      )} matches no container port of ${w.workload.kind} ${
        w.workload.namespace
      }/${w.workload.name} (declared: ${
        [...numbers].map(n => String(n)).join(', ') || 'none'
      }${
        names.size ? `; named ${[...names].join(', ')}` : ''
      }), so the Server and its policies cover no traffic.`,
      fix: [
        `# Set spec.port to a container port number or name of the pods it selects:`,
        `kubectl edit ${kubectl('Server')} ${s.ref.name} -n ${
          s.ref.namespace
        }   # spec.port`,
        `linkerd diagnostics policy -n ${s.ref.namespace} po/<pod> <port>`,
      ].join('\n'),
      details: { port: s.port, declared: [...numbers], named: [...names] },
    }));
}

function selectorFindings(input: RuleInput): Finding[] {
  const { w, facts } = input;
  const ns = w.workload.namespace;
  const labels = facts.workloads
    .filter(other => other.namespace === ns)
    .flatMap(podLabelsOf);
  return facts.mesh.linkerd.servers
    .filter(
      s =>
        s.ref.namespace === ns &&
        s.podSelector &&
        !labels.some(l => matchesLabelSelector(s.podSelector!, l)),
    )
    .map(s => ({
      code: 'L5D-SERVER-SELECTOR',
      level: 'warning' as const,
      object: s.ref,
      message: `${refText(
        s.ref,
      )}: podSelector matches no pod in namespace ${ns}, so it applies to nothing.`,
      fix: [
        `kubectl get pods -n ${ns} --show-labels`,
        `kubectl edit ${kubectl('Server')} ${
          s.ref.name
        } -n ${ns}   # spec.podSelector`,
      ].join('\n'),
      details: { podSelector: s.podSelector },
    }));
}

function targetExists(input: RuleInput, t: PolicyTargetRef): boolean {
  const { facts } = input;
  const same = (ref: { kind: string; namespace?: string; name: string }) =>
    ref.kind === t.kind && ref.namespace === t.namespace && ref.name === t.name;
  switch (t.kind) {
    case 'Server':
      return facts.mesh.linkerd.servers.some(s => same(s.ref));
    case 'HTTPRoute':
    case 'GRPCRoute':
      return facts.mesh.linkerd.routes.some(r => same(r.ref));
    case 'Namespace':
      // Without a namespace listing nothing can be said.
      return (
        Object.keys(facts.namespaces).length === 0 || t.name in facts.namespaces
      );
    default:
      return true;
  }
}

function policyFindings(input: RuleInput): Finding[] {
  const { w, facts } = input;
  const ns = w.workload.namespace;
  const findings: Finding[] = facts.mesh.linkerd.authorizationPolicies
    .filter(p => p.ref.namespace === ns && !targetExists(input, p.targetRef))
    .map(p => ({
      code: 'L5D-POLICY-TARGET',
      level: 'error' as const,
      object: p.ref,
      message: `${refText(p.ref)}: targetRef ${p.targetRef.kind} ${
        p.targetRef.namespace
      }/${
        p.targetRef.name
      } does not exist, so the policy authorizes nothing and the clients it names are refused wherever the default policy denies.`,
      fix: [
        `kubectl get servers.policy.linkerd.io,httproutes.policy.linkerd.io -n ${ns}`,
        `kubectl edit ${kubectl('AuthorizationPolicy')} ${
          p.ref.name
        } -n ${ns}   # spec.targetRef`,
      ].join('\n'),
      details: { targetRef: p.targetRef },
    }));
  for (const applied of w.mesh.linkerd.authorizationPolicies) {
    for (const ref of applied.missingAuthentications) {
      findings.push({
        code: 'L5D-AUTHN-REF',
        level: 'error',
        object: applied.policy.ref,
        message: `${refText(
          applied.policy.ref,
        )}: requiredAuthenticationRefs names ${ref.kind} ${ref.namespace}/${
          ref.name
        }, which does not exist, so the policy authorizes no client of Server(s) ${applied.servers.join(
          ', ',
        )}.`,
        fix: [
          `# Create the ${ref.kind} or correct the reference:`,
          ref.kind === 'MeshTLSAuthentication'
            ? [
                'apiVersion: policy.linkerd.io/v1alpha1',
                'kind: MeshTLSAuthentication',
                'metadata:',
                `  name: ${ref.name}`,
                `  namespace: ${ref.namespace}`,
                'spec:',
                '  identityRefs:',
                '    - kind: ServiceAccount',
                '      name: <client-service-account>',
              ].join('\n')
            : `kubectl edit ${kubectl('AuthorizationPolicy')} ${
                applied.policy.ref.name
              } -n ${
                applied.policy.ref.namespace
              }   # spec.requiredAuthenticationRefs`,
        ].join('\n'),
        details: { missing: ref },
      });
    }
  }
  return findings;
}

export function linkerdRules(input: RuleInput): Finding[] {
  if (!isLinkerd(input.w)) return [];
  return [
    ...portFindings(input),
    ...selectorFindings(input),
    ...policyFindings(input),
  ];
}
