/** How much JSON a step writes before it offers a pause: small enough to stay short. */
const STEP_CHARS = 16 * 1024;
/**
 * A container with more members than this is opened even where the depth says to write
 * it whole: a record keyed by workload (a metric's series) is as long as the fleet.
 */
const WIDE = 64;

function isWide(value: object): boolean {
  if (Array.isArray(value)) return value.length > WIDE;
  let n = 0;
  for (const _key in value) if (++n > WIDE) return true;
  return false;
}

/** A replacer that gives the same answer whatever the key (see stringifySteps). */
export type KeylessReplacer = (key: string, value: unknown) => unknown;

function isContainer(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `JSON.stringify(value, replacer)` as pieces, written step by step: the arrays and
 * plain objects of the first `depth` levels, and those one level deeper with more than
 * WIDE members, are opened here, and what they hold is
 * stringified one member at a time, with a step (a place to pause, for runInSlices)
 * every STEP_CHARS or so. One JSON.stringify of a fleet's snapshot blocked the event
 * loop for tens of milliseconds; the pieces joined are exactly its output.
 *
 * The replacer sees each piece's root under the key '' rather than its own key, so it
 * must not depend on the key (keepNonFinite does not). Containers opened here are not
 * passed to it; it only ever changes values that are not arrays or plain objects.
 */
export function* stringifySteps(
  value: unknown,
  replacer?: KeylessReplacer,
  depth = 3,
): Generator<void, string[]> {
  const parts: string[] = [];
  let sinceStep = 0;
  const push = (s: string) => {
    parts.push(s);
    sinceStep += s.length;
  };

  /** Written in one piece: not a container, or past the depth and not wide. */
  const whole = (v: unknown, levels: number) =>
    !isContainer(v) || (levels <= 0 && !isWide(v));
  /** A pause once a step's worth of JSON is written. */
  function* pauseIfDue(): Generator<void> {
    if (sinceStep >= STEP_CHARS) {
      sinceStep = 0;
      yield;
    }
  }

  function* write(
    v: unknown,
    levels: number,
    inArray: boolean,
  ): Generator<void> {
    if (whole(v, levels)) {
      const s = JSON.stringify(v, replacer as never);
      // What JSON.stringify does with undefined, a function or a symbol: null in an
      // array, and the caller leaves the key out of an object.
      if (s !== undefined) push(s);
      else if (inArray) push('null');
      yield* pauseIfDue();
      return;
    }
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) push(',');
        yield* write(v[i], levels - 1, true);
      }
      push(']');
      return;
    }
    push('{');
    let first = true;
    for (const key of Object.keys(v as object)) {
      const member = (v as Record<string, unknown>)[key];
      if (whole(member, levels - 1)) {
        const s = JSON.stringify(member, replacer as never);
        if (s === undefined) continue;
        push(`${first ? '' : ','}${JSON.stringify(key)}:${s}`);
        first = false;
        yield* pauseIfDue();
        continue;
      }
      push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      yield* write(member, levels - 1, false);
    }
    push('}');
  }

  yield* write(value, depth, false);
  return parts;
}
