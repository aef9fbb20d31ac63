/** Long enough that a slice does real work, short enough that a read barely waits. */
export const DEFAULT_SLICE_MS = 5;

/**
 * The loops waiting for their next slice, in order. Every loop of the process shares
 * this queue, and one turn of the event loop resumes one of them: four lists checked at
 * once would otherwise take a slice each per turn, and a read would wait for all four.
 */
const waiting: Array<() => void> = [];
let scheduled = false;

function resumeOne() {
  scheduled = false;
  const resume = waiting.shift();
  if (waiting.length > 0) {
    // Queued now, so it runs in the next turn, after that turn's I/O.
    scheduled = true;
    setImmediate(resumeOne);
  }
  resume?.();
}

/**
 * Cooperative time slices for long loops on the event loop (building a fleet's reports,
 * serialising them): the loop asks `due()` after each item and, when its slice is used
 * up, awaits `next()`, which lets the event loop serve what waits (a report read, a
 * health probe) before the loop goes on.
 *
 * A slice is measured in time, not in items, because items differ: one entity with a
 * hundred workloads costs as much as a hundred with one. The budget bounds how long a
 * read can wait behind the loops: one slice per turn of the event loop, whichever loop
 * it is, however many are under way.
 */
export class TimeSlices {
  private started = performance.now();

  constructor(private readonly budgetMs = DEFAULT_SLICE_MS) {}

  /** This slice is used up: the loop should await `next()`. */
  due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Yields to the event loop (after its I/O), then starts a new slice. */
  async next(): Promise<void> {
    await new Promise<void>(resolve => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(resumeOne);
      }
    });
    this.started = performance.now();
  }

  /** `next()` when the slice is used up. */
  async pause(): Promise<void> {
    if (this.due()) await this.next();
  }
}

/** Runs a stepwise computation (a generator that yields where it may pause) at once. */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a stepwise computation, letting the event loop in once a slice is used up. */
export async function runInSlices<T>(
  steps: Generator<void, T>,
  slices: TimeSlices = new TimeSlices(),
): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await slices.pause();
  }
}
