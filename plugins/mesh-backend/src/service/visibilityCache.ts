import { Freshness, freshness } from '../lib/freshness';
import { BackstageCredentials } from '@backstage/backend-plugin-api';

interface Entry<T> {
  expiresAt: number;
  value: Promise<T>;
  /** A background reload is under way. */
  refreshing?: boolean;
}

/**
 * A short-lived, bounded cache of "what does the catalog answer this caller for this
 * entity ref", so that report reads do not each cost a catalog round trip (a plugin
 * token signed for the catalog, an HTTP call, its token check, permission check and
 * database transaction: most of a read's time before this cache).
 *
 * Keyed by the caller's principal and the entity ref, because what the catalog shows
 * depends on who asks (permission policies). Both answers are kept: the entity, and
 * "no such entity" (undefined), so a read of an unknown entity is still a 404, and a
 * flood of them costs one catalog call per TTL. Failed look-ups are never kept.
 * Concurrent look-ups of one key share one catalog call.
 *
 * Stale while revalidating: an answer older than `refreshAfterMs` (5 s) is still served,
 * and reloaded in the background, so a key read again and again never waits for the
 * catalog; one older than `ttlMs` (30 s) is never served. On a busy backend the catalog
 * round trip is a dozen hops through the event loop (an HTTP call, its token check, a
 * permission check, a query), which made a miss the slowest part of a report read.
 *
 * The trade-off: after a change in the catalog, a read may still see the entity as it
 * was (an entity just deleted still answers with its report, one just registered still
 * answers 404, changed mapping annotations take effect late), and a revoked permission
 * may still let its user read a report they could read a moment ago: for the first read
 * after `refreshAfterMs`, and never past `ttlMs`. Both are far below the catalog's own
 * processing delay (an entity change takes its processing interval, minutes by default,
 * to show at all), and far below the lifetime of the user's token, which is how long a
 * revoked user keeps access anyway.
 */
export class VisibilityCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly ttlMs: number;
  private readonly refreshAfterMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(
    options: Partial<Freshness> & {
      /** At most this many answers are kept; the oldest go first. */
      maxEntries?: number;
      clock?: () => number;
    } = {},
  ) {
    ({ ttlMs: this.ttlMs, refreshAfterMs: this.refreshAfterMs } =
      freshness(options));
    this.maxEntries = options.maxEntries ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  /** The number of answers held (expired ones included until they are replaced). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached answer for this caller and ref, or `load()`'s. Callers whose principal
   * cannot be keyed (an unknown type) are never cached.
   */
  get(
    credentials: BackstageCredentials,
    entityRef: string,
    /** `background`: a refresh ahead, which nobody waits for. */
    load: (background: boolean) => Promise<T>,
  ): Promise<T> {
    const principal = principalKey(credentials);
    if (principal === undefined || this.ttlMs <= 0) return load(false);
    // Refs are ASCII (the router checks them); toLowerCase is much cheaper than a
    // locale-aware lower-casing, and the key only has to match itself.
    const key = `${principal}\n${entityRef.toLowerCase()}`;
    const now = this.clock();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) {
      // Served, and reloaded behind once it is refreshAfterMs old.
      const age = now - (hit.expiresAt - this.ttlMs);
      if (!hit.refreshing && age >= this.refreshAfterMs) {
        hit.refreshing = true;
        load(true).then(
          value => this.set(key, Promise.resolve(value), this.clock()),
          () => undefined, // the next read after expiry asks again
        );
      }
      return hit.value;
    }
    return this.set(key, load(false), now).value;
  }

  private set(key: string, value: Promise<T>, now: number) {
    const entry: Entry<T> = { expiresAt: now + this.ttlMs, value };
    this.entries.delete(key); // re-inserted last: the newest answer
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    // Map iteration is insertion order: the first keys are the oldest answers.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return entry;
  }
}

/**
 * Who the catalog sees: a user by their entity ref, a service by its subject (a plugin,
 * or an external caller such as a static token's subject), or nobody.
 */
export function principalKey(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef)
    return `user:${principal.userEntityRef}`;
  if (principal.type === 'service' && principal.subject)
    return `service:${principal.subject}`;
  if (principal.type === 'none') return 'none';
  return undefined;
}
