/**
 * At most `requests` per `periodMs` per key, over a sliding window. Kept in memory, per
 * backend process: it bounds what one user can make one replica do.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly requests: number,
    private readonly periodMs: number,
  ) {}

  /** Records a hit for `key`; returns how long to wait (ms) when over the limit. */
  take(
    key: string,
    now: number = Date.now(),
  ): { ok: true } | { ok: false; retryAfterMs: number } {
    const since = now - this.periodMs;
    const recent = (this.hits.get(key) ?? []).filter(t => t > since);
    if (recent.length >= this.requests) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: recent[0] + this.periodMs - now };
    }
    recent.push(now);
    this.hits.set(key, recent);
    // Keys of users who stopped calling would otherwise stay forever.
    if (this.hits.size > 10_000) {
      for (const [k, times] of this.hits) {
        if (times.every(t => t <= since)) this.hits.delete(k);
      }
    }
    return { ok: true };
  }
}
