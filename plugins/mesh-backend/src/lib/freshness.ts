/**
 * How the read path's caches (the catalog's answers, policy decisions, stored reports)
 * trade freshness for speed, in one place: an answer is served stale while it is read
 * again behind once `refreshAfterMs` old, and never served once `ttlMs` old.
 */
export interface Freshness {
  /** How long an answer may be served at most. 0 turns the cache off. */
  ttlMs: number;
  /** From what age an answer served is also reloaded in the background. */
  refreshAfterMs: number;
}

/** 30 s at most, reloaded behind from 5 s (or four fifths of a shorter `ttlMs`). */
export function freshness(options: Partial<Freshness> = {}): Freshness {
  const ttlMs = options.ttlMs ?? 30_000;
  return {
    ttlMs,
    refreshAfterMs: options.refreshAfterMs ?? Math.min(5_000, (ttlMs * 4) / 5),
  };
}
