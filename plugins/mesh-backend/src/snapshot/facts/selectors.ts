/**
 * Kubernetes label selectors as objects write them (`matchLabels` + `matchExpressions`),
 * matched in one place so PDBs, Linkerd Servers and the Istio selectors all agree.
 */
import {
  LabelSelectorFacts,
  LabelSelectorRequirement,
} from '@mesh-readiness/plugin-mesh-node';
import { asArray, asRecord, malformed, stringMap, strings } from './read';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Reads a `LabelSelector`. An unknown operator, or `In` with no values, is malformed:
 * the API server would have refused it, and guessing a meaning could select pods the
 * author never meant.
 */
export function labelSelector(value: unknown): LabelSelectorFacts {
  const raw = asRecord(value);
  const matchExpressions: LabelSelectorRequirement[] = asArray(
    raw.matchExpressions,
  ).map(e => {
    const expr = asRecord(e);
    const key = expr.key;
    const operator = expr.operator;
    if (typeof key !== 'string' || !key)
      malformed('selector expression without key');
    if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
      return malformed(`selector operator '${String(operator)}' is unknown`);
    }
    const values = strings(expr.values);
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      malformed(`selector ${operator} on '${key}' has no values`);
    }
    return {
      key,
      operator: operator as LabelSelectorRequirement['operator'],
      values: operator === 'In' || operator === 'NotIn' ? values : [],
    };
  });
  return { matchLabels: stringMap(raw.matchLabels), matchExpressions };
}

function requirementHolds(
  r: LabelSelectorRequirement,
  labels: Record<string, string>,
): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(labels[r.key]);
    case 'NotIn':
      return !has || !r.values.includes(labels[r.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      return false;
  }
}

/** Kubernetes semantics: an empty selector matches every label set. */
export function matchesLabelSelector(
  selector: LabelSelectorFacts,
  labels: Record<string, string>,
): boolean {
  return (
    Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v) &&
    selector.matchExpressions.every(r => requirementHolds(r, labels))
  );
}

/** Every pair of `matchLabels` is in `labels` (an empty map matches). */
export function matchesLabels(
  matchLabels: Record<string, string>,
  labels: Record<string, string>,
): boolean {
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

/** True when the selector matches any of the pods' label sets. */
export function selectsAnyPod(
  selector: LabelSelectorFacts,
  podLabels: Record<string, string>[],
): boolean {
  return podLabels.some(labels => matchesLabelSelector(selector, labels));
}
