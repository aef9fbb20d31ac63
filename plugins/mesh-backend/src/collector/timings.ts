/** Milliseconds per phase of a run, for the logs and the benchmark. */
export class Timings {
  readonly ms: Record<string, number> = {};

  /** Runs `work` and adds its duration to `phase` (phases may repeat). */
  async time<T>(phase: string, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.ms[phase] = Math.round(
        (this.ms[phase] ?? 0) + performance.now() - started,
      );
    }
  }
}
