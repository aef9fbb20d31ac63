/** Defensive readers for the raw `spec` and `status` of Kubernetes objects. */
import {
  KubeObject,
  NamespacedRef,
  NetworkFacts,
  PolicyTargetRef,
} from '@mesh-readiness/plugin-mesh-node';

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A non-empty string, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

/** The strings of a list; YAML numbers (`ports: [8080]`) are kept as their text. */
export function strings(value: unknown): string[] {
  return asArray(value).flatMap(v => {
    if (typeof v === 'string' && v) return [v];
    return typeof v === 'number' ? [String(v)] : [];
  });
}

/**
 * `1` or `"50%"` as written. A string must be a percentage: the API server refuses
 * `"1"` for a PDB, so it is not read as a count.
 */
export function intOrPercent(value: unknown): number | string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return value;
  }
  return typeof value === 'string' && /^\d+%$/.test(value) ? value : undefined;
}

/** A port as an integer 1..65535, accepting the string forms map keys take. */
export function portNumber(value: unknown): number | undefined {
  const n =
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536
    ? n
    : undefined;
}

export function namespaceOf(obj: KubeObject): string {
  return obj.metadata.namespace ?? 'default';
}

/** The object's own ref; `group` is the apiVersion's group (absent for core kinds). */
export function refOf(obj: KubeObject): NamespacedRef {
  const slash = obj.apiVersion.indexOf('/');
  return {
    kind: obj.kind,
    namespace: namespaceOf(obj),
    name: obj.metadata.name,
    ...(slash > 0 ? { group: obj.apiVersion.slice(0, slash) } : {}),
  };
}

export function createdAt(obj: KubeObject): string | undefined {
  return str((obj.metadata as Record<string, unknown>).creationTimestamp);
}

/** `matchLabels` of an Istio `selector`/`workloadSelector`; empty counts as none. */
export function istioSelector(
  value: unknown,
): Record<string, string> | undefined {
  const labels = stringMap(asRecord(value).matchLabels);
  return Object.keys(labels).length > 0 ? labels : undefined;
}

/**
 * A `targetRef`-like reference. Cross-namespace refs are written explicitly; without
 * one the reference stays in `namespace` (the referring object's own).
 */
export function targetRef(
  value: unknown,
  namespace: string,
): PolicyTargetRef | undefined {
  const r = asRecord(value);
  const kind = str(r.kind);
  const name = str(r.name);
  if (!kind || !name) return undefined;
  return {
    group: typeof r.group === 'string' ? r.group : '',
    kind,
    name,
    namespace: str(r.namespace) ?? namespace,
  };
}

export function networks(value: unknown): NetworkFacts[] {
  return asArray(value).flatMap(n => {
    const cidr = str(asRecord(n).cidr);
    return cidr ? [{ cidr, except: strings(asRecord(n).except) }] : [];
  });
}

/** Thrown by a parser for an object it cannot make sense of; the builder records it. */
export class MalformedObject extends Error {}

export function malformed(reason: string): never {
  throw new MalformedObject(reason);
}

/** The image tag, or undefined when the image is pinned by digest or untagged. */
export function imageTag(image: string | undefined): string | undefined {
  if (!image || image.includes('@')) return undefined;
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
}
