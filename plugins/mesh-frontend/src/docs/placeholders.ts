/**
 * Filling the guide's command templates with an entity's Kubernetes names.
 *
 * Only names that pass Kubernetes' own validation rules are substituted; anything else
 * (an empty value, an upper-case or shell-special string) leaves the placeholder text in
 * the command, so a copied command can never carry an unexpected token.
 */

/** The placeholders the page fills in. Any other `{name}` stays as it is written. */
export type GuidePlaceholder = 'namespace' | 'workload' | 'kind' | 'cluster';

/** What a template is filled with; a missing or invalid value keeps its placeholder. */
export type GuideTarget = Partial<Record<GuidePlaceholder, string>>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label values: 63 characters, alphanumerics at both ends, `-_.` inside. */
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A DNS-1123 label (namespace names): lower-case alphanumerics and `-`, 63 at most. */
export function isDns1123Label(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value)
  );
}

/** A DNS-1123 subdomain (Deployment, StatefulSet… names): 253 at most. */
export function isDns1123Subdomain(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 253 &&
    DNS1123_SUBDOMAIN.test(value)
  );
}

/** A Kubernetes label value (cluster names from the config are shown as such). */
export function isLabelValue(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value)
  );
}

/** Workload kinds `kubectl rollout restart` and `patch … spec.template` accept. */
const KUBECTL_KINDS: Record<string, string> = {
  deployment: 'deployment',
  statefulset: 'statefulset',
  daemonset: 'daemonset',
};

/** The kubectl resource name of a workload kind (`Deployment` → `deployment`), if known. */
export function toKubectlKind(kind: unknown): string | undefined {
  if (typeof kind !== 'string') return undefined;
  return KUBECTL_KINDS[kind.toLowerCase()];
}

/** A workload as the report lists it (`report.workloads`). */
export interface WorkloadRef {
  cluster?: string;
  namespace?: string;
  kind?: string;
  name?: string;
}

/** The valid parts of a workload, ready to fill templates; invalid parts are dropped. */
export function toGuideTarget(workload: WorkloadRef | undefined): GuideTarget {
  if (!workload) return {};
  const target: GuideTarget = {};
  if (isDns1123Label(workload.namespace)) target.namespace = workload.namespace;
  if (isDns1123Subdomain(workload.name)) target.workload = workload.name;
  const kind = toKubectlKind(workload.kind);
  if (kind) target.kind = kind;
  if (isLabelValue(workload.cluster)) target.cluster = workload.cluster;
  return target;
}

const PLACEHOLDER = /\{(namespace|workload|kind|cluster)\}/g;

/**
 * Replaces `{namespace}`, `{workload}`, `{kind}` and `{cluster}` with the target's
 * values, re-validating each one, and leaves every other brace (jsonpath, YAML flow
 * maps, `{revision}`, `{service}`) untouched.
 */
export function fillTemplate(template: string, target: GuideTarget): string {
  return template.replace(PLACEHOLDER, (match, key: GuidePlaceholder) => {
    const value = target[key];
    switch (key) {
      case 'namespace':
        return isDns1123Label(value) ? value : match;
      case 'workload':
        return isDns1123Subdomain(value) ? value : match;
      case 'kind':
        return toKubectlKind(value) ?? match;
      case 'cluster':
        return isLabelValue(value) ? value : match;
      default:
        return match;
    }
  });
}
