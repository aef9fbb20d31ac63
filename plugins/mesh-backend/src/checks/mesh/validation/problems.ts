/**
 * Objects the fact builders skipped as malformed (`facts.mesh.problems`, written
 * `Kind namespace/name: why`), in the workload's namespace: the mesh may apply them,
 * or reject them, but this plugin could not judge them, so they are surfaced as warnings.
 * Istio kinds carry IST0106 (SchemaValidationError).
 */
import { Finding, RuleInput } from './types';

const PROBLEM = /^(\S+) ([^\s:]+): (.*)$/s;

export function problemRules(input: RuleInput): Finding[] {
  const ns = input.w.workload.namespace;
  const findings: Finding[] = [];
  for (const problem of input.facts.mesh.problems) {
    const m = PROBLEM.exec(problem);
    if (!m) continue;
    const [, key, where, why] = m;
    const slash = where.indexOf('/');
    if (slash < 0 || where.slice(0, slash) !== ns) continue;
    const name = where.slice(slash + 1);
    const kindSlash = key.lastIndexOf('/');
    const kind = kindSlash >= 0 ? key.slice(kindSlash + 1) : key;
    const group = kindSlash >= 0 ? key.slice(0, kindSlash) : undefined;
    const istio = group?.endsWith('istio.io') ?? false;
    const resource = group
      ? `${kind.toLowerCase()}.${group}`
      : kind.toLowerCase();
    findings.push({
      code: istio ? 'IST0106' : 'MALFORMED',
      level: 'warning',
      object: { kind, namespace: ns, name, ...(group ? { group } : {}) },
      message: `${kind} ${ns}/${name} could not be read: ${why}.`,
      fix: [
        `kubectl get ${resource} ${name} -n ${ns} -o yaml`,
        istio
          ? `istioctl analyze -n ${ns}`
          : `# Correct the field named above and re-apply the object.`,
      ].join('\n'),
    });
  }
  return findings;
}
