import { Freshness, freshness } from '../lib/freshness';

/** A stored report, serialised, with the time it was generated (the row's column). */
export interface StoredReportJson {
  /** `JSON.stringify` of the MeshReport, exactly as saved. */
  json: string;
  /** The report's `generatedAt`. */
  generatedAt: string;
  /** The same JSON as UTF-8, when it is held as bytes: a read sends them as they are. */
  bytes?: Buffer;
}

/** A stored report as UTF-8 bytes: how a collection worker hands it over. */
export interface StoredReportBytes {
  bytes: Buffer;
  generatedAt: string;
}

/**
 * Held as bytes, outside the JavaScript heap: a fleet's reports are tens of megabytes,
 * replaced at every run, and as strings each run's would be copied by the young
 * generation's garbage collections (a pause of the thread serving reads) before they
 * settle. A read decodes its report, a short-lived string.
 */
interface Entry {
  bytes: Buffer;
  generatedAt: string;
  storedAt: number;
}

function bytesOf(value: StoredReportJson | StoredReportBytes): Buffer {
  return value.bytes ?? Buffer.from((value as StoredReportJson).json, 'utf8');
}

/** A held report: its JSON decoded only if asked for (the reads send the bytes). */
function heldValue(entry: Entry): StoredReportJson {
  const { bytes, generatedAt } = entry;
  return {
    bytes,
    generatedAt,
    get json() {
      return bytes.toString('utf8');
    },
  };
}

/**
 * The reports read recently, serialised, so that an entity read again and again (a
 * popular service's page, a dashboard that polls) costs no database round trip: on
 * PostgreSQL that round trip was the largest part of a report read, and while a
 * collection writes, its slowest.
 *
 * Stale while revalidating, as the catalog's answers are (VisibilityCache): a report
 * held for `refreshAfterMs` (5 s) is still served, and read again behind; one held for
 * `ttlMs` (30 s) is never served. What this process writes replaces what is held at once
 * (ReportStore.saveReports), so a collection does not send the reads after it to the
 * database; everything is forgotten after a refresh, which another replica may have run
 * (MeshReportService.refresh). A report another replica wrote on its own schedule shows
 * here on the first read 5 s after it, or within 30 s: far below the schedule's period.
 * A read that started before a write never stores what it read (the generation check).
 * Bounded by the total length of the JSON kept; the oldest entries go first.
 */
export class RecentReports {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<
    string,
    Promise<StoredReportJson | undefined>
  >();
  private generation = 0;
  private chars = 0;
  private readonly ttlMs: number;
  private readonly refreshAfterMs: number;
  private readonly maxChars: number;
  private readonly clock: () => number;

  constructor(
    options: Partial<Freshness> & {
      /** At most this much JSON is kept, in bytes (UTF-8). */
      maxChars?: number;
      clock?: () => number;
    } = {},
  ) {
    ({ ttlMs: this.ttlMs, refreshAfterMs: this.refreshAfterMs } =
      freshness(options));
    this.maxChars = options.maxChars ?? 64 * 1024 * 1024;
    this.clock = options.clock ?? Date.now;
  }

  /** The total length of the JSON held, in bytes. */
  get size(): number {
    return this.chars;
  }

  /**
   * The report of `key` (a lower-cased ref) as recently read, or `load()`'s.
   *
   * `current`, when given, tells whether the database still holds the report held
   * here: a held report due for a refresh is then read again whole only when it is not.
   * Every report read 5 s after the last refresh costs a round trip either way, but the
   * small one moves no report: before it, a replica serving reads fetched (and a
   * garbage collection then reclaimed) 25 kB per read of what it already had.
   */
  get(
    key: string,
    load: () => Promise<StoredReportJson | undefined>,
    current?: (held: StoredReportJson) => Promise<boolean>,
  ): Promise<StoredReportJson | undefined> {
    if (this.ttlMs <= 0) return load();
    const hit = this.entries.get(key);
    const age = hit ? this.clock() - hit.storedAt : Infinity;
    if (hit && age < this.ttlMs) {
      const value = heldValue(hit);
      if (age >= this.refreshAfterMs) {
        const refresh = current
          ? async () => ((await current(value)) ? value : load())
          : load;
        // The next read sees what this one finds; a failure leaves the held one.
        this.read(key, refresh).catch(() => undefined);
      }
      return Promise.resolve(value);
    }
    return this.read(key, load);
  }

  private read(
    key: string,
    load: () => Promise<StoredReportJson | undefined>,
  ): Promise<StoredReportJson | undefined> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loaded = load().then(
      value => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        // Stored only when nothing was written since the read began, and only a
        // report: "no report yet" is asked again, as the next collection may make it.
        if (generation === this.generation) {
          if (value) this.keep(key, value);
          else this.drop(key);
        }
        return value;
      },
      e => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw e;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  /**
   * These reports were just written by this process: those held are replaced by them
   * (no read need go to the database for what this process has in hand), the others
   * are not added, so what is held stays what is read.
   */
  written(
    reports: Iterable<
      [key: string, value: StoredReportJson | StoredReportBytes]
    >,
  ): void {
    this.generation += 1;
    this.loading.clear();
    const now = this.clock();
    for (const [key, value] of reports) {
      if (!this.entries.has(key)) continue;
      this.drop(key);
      this.hold(key, value, now);
    }
    this.trim();
  }

  /** Forgets these keys, or everything: their reports were written elsewhere. */
  forget(keys?: Iterable<string>): void {
    this.generation += 1;
    this.loading.clear();
    if (!keys) {
      this.entries.clear();
      this.chars = 0;
      return;
    }
    for (const key of keys) this.drop(key);
  }

  private keep(key: string, value: StoredReportJson) {
    this.drop(key);
    this.hold(key, value, this.clock());
    this.trim();
  }

  private hold(
    key: string,
    value: StoredReportJson | StoredReportBytes,
    storedAt: number,
  ) {
    const bytes = bytesOf(value);
    if (bytes.length > this.maxChars) return;
    this.entries.set(key, { bytes, generatedAt: value.generatedAt, storedAt });
    this.chars += bytes.length;
  }

  private trim() {
    // Map iteration is insertion order: the first keys are the oldest reads.
    for (const oldest of this.entries.keys()) {
      if (this.chars <= this.maxChars) break;
      this.drop(oldest);
    }
  }

  private drop(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.chars -= entry.bytes.length;
  }
}
