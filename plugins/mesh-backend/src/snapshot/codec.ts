import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';

/**
 * The stored form of a snapshot. Bumped whenever the snapshot's shape changes (a new
 * fact or catalog entry): a snapshot of another version is not read back, so reports
 * are never built from data that lacks what the checks expect.
 */
export const SNAPSHOT_FORMAT = 5;

const NON_FINITE = '$nonFinite';

/**
 * JSON turns `Infinity` (the `+Inf` bucket bound) and `NaN` into `null`; they are
 * written as `{"$nonFinite": "Infinity"}` instead, and read back as numbers.
 */
export function encodeSnapshot(snapshot: ClusterSnapshot): string {
  // The Kubernetes facts, the largest part, hold no computed floats: a plain stringify,
  // several times faster than one with a replacer, which a fleet's snapshot would block
  // the event loop on. The metric and trace parts keep the replacer.
  const { kubernetes, ...rest } = snapshot;
  const others = JSON.stringify(rest, keepNonFinite);
  return `{"format":${SNAPSHOT_FORMAT},"snapshot":{"kubernetes":${JSON.stringify(
    kubernetes,
  )}${others === '{}' ? '' : `,${others.slice(1, -1)}`}}}`;
}

function keepNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value)
    ? { [NON_FINITE]: String(value) }
    : value;
}

/** The snapshot, or undefined when it was written in another format. */
export function decodeSnapshot(json: string): ClusterSnapshot | undefined {
  const parsed = JSON.parse(json, (_key, value) => {
    if (
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof value[NON_FINITE] === 'string' &&
      Object.keys(value).length === 1
    ) {
      return Number(value[NON_FINITE]);
    }
    return value;
  });
  if (parsed?.format !== SNAPSHOT_FORMAT || !parsed.snapshot) return undefined;
  return parsed.snapshot as ClusterSnapshot;
}
