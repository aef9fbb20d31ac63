import { ClusterSnapshot } from '@mesh-readiness/plugin-mesh-node';
import { stringifySteps } from '../lib/jsonSteps';
import { runToEnd } from '../lib/timeSlices';

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
  return runToEnd(encodeSnapshotSteps(snapshot)).join('');
}

/**
 * encodeSnapshot step by step (stringifySteps), as pieces of JSON: a fleet's snapshot
 * is megabytes, and one stringify of it held the event loop for tens of milliseconds
 * on every run.
 */
export function* encodeSnapshotSteps(
  snapshot: ClusterSnapshot,
): Generator<void, string[]> {
  // The Kubernetes facts, the largest part, hold no computed floats: a plain stringify,
  // several times faster than one with a replacer. The metric and trace parts keep it.
  const { kubernetes, ...rest } = snapshot;
  const parts = [
    '{"format":',
    String(SNAPSHOT_FORMAT),
    ',"snapshot":{"kubernetes":',
  ];
  // No spread: a fleet's pieces outnumber what a call may take as arguments.
  for (const p of yield* stringifySteps(kubernetes)) parts.push(p);
  // Four levels: a metric's series (prometheus.data.series.<id>) is keyed by workload.
  const others = yield* stringifySteps(rest, keepNonFinite, 4);
  // `others` is an object's JSON: `{`, its members, `}`; its members follow kubernetes.
  if (others.length > 2) {
    parts.push(',');
    for (let i = 1; i < others.length - 1; i++) parts.push(others[i]);
  }
  parts.push('}}');
  return parts;
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
