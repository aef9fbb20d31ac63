import {
  labelKeyError,
  labelValueError,
} from '@mesh-readiness/plugin-mesh-node';

export { labelKeyError, labelValueError };

/**
 * Kubernetes label selectors (the `kubectl -l` syntax) parsed into requirements and
 * validated against the label syntax rules, so a selector from an annotation is checked
 * before it is ever used.
 */
export type Requirement =
  | { key: string; op: 'exists' | 'not-exists' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (depth < 0) throw new Error('unbalanced parentheses');
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) throw new Error('unbalanced parentheses');
  parts.push(current);
  return parts.map(p => p.trim());
}

export function parseLabelSelector(selector: string): Requirement[] {
  const text = selector.trim();
  if (!text) throw new Error('the selector is empty');
  if (text.length > 1024)
    throw new Error('the selector is longer than 1024 characters');
  const requirements: Requirement[] = [];
  for (const part of splitTopLevel(text)) {
    if (!part) throw new Error(`empty requirement in '${selector}'`);
    requirements.push(parseRequirement(part));
  }
  return requirements;
}

function checked<T extends Requirement>(r: T): T {
  const keyError = labelKeyError(r.key);
  if (keyError) throw new Error(keyError);
  if ('values' in r) {
    for (const v of r.values) {
      const valueError = labelValueError(v);
      if (valueError) throw new Error(valueError);
    }
  }
  return r;
}

function parseRequirement(part: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
  if (setMatch) {
    const values = setMatch[3].split(',').map(v => v.trim());
    if (values.some(v => v === '') && values.length > 1) {
      throw new Error(`empty value in '${part}'`);
    }
    return checked({
      key: setMatch[1],
      op: setMatch[2] as 'in' | 'notin',
      values,
    });
  }
  const eqMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (eqMatch) {
    const op = eqMatch[2] === '!=' ? 'notin' : 'in';
    return checked({ key: eqMatch[1], op, values: [eqMatch[3]] });
  }
  const notExists = /^!\s*(\S+)$/.exec(part);
  if (notExists) return checked({ key: notExists[1], op: 'not-exists' });
  if (/^\S+$/.test(part)) return checked({ key: part, op: 'exists' });
  throw new Error(`cannot parse '${part}' as a label requirement`);
}

export function matchesSelector(
  requirements: Requirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'not-exists':
        return !has;
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
      default:
        return false;
    }
  });
}

export function formatSelector(requirements: Requirement[]): string {
  return requirements
    .map(r => {
      if (r.op === 'exists') return r.key;
      if (r.op === 'not-exists') return `!${r.key}`;
      if (!('values' in r)) return r.key;
      if (r.values.length === 1)
        return `${r.key}${r.op === 'in' ? '=' : '!='}${r.values[0]}`;
      return `${r.key} ${r.op} (${r.values.join(',')})`;
    })
    .join(',');
}
