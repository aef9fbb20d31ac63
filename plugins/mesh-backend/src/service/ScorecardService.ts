import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  FleetHistoryResponse,
  RollupHistoryResponse,
  ScorecardPage,
  ScorecardRollupBy,
  ScorecardRollupsResponse,
  ScorecardRow,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { HistoryStore } from '../store/HistoryStore';
import {
  ScorecardFilter,
  ScorecardOrder,
  ScorecardStore,
} from '../store/ScorecardStore';
import { RULE_FIELDS } from '../permissions/rules';
import { ReportReadPermission } from './reportReads';
import { VisibilityCache } from './visibilityCache';

/**
 * A relation filter value as stored: a lower-cased full entity ref, so `team-a`,
 * `group:team-a` and `group:default/team-a` all find the same rows.
 */
function fullRef(value: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch (e) {
    throw new InputError(
      `Invalid scorecard query: '${value}' is not an entity ref: ${
        (e as Error).message
      }`,
    );
  }
}

const RELATION_KIND = { owner: 'group', system: 'system', domain: 'domain' };

function normalize<F extends ScorecardFilter>(filter: F): F {
  const out = { ...filter };
  for (const [field, kind] of Object.entries(RELATION_KIND) as [
    'owner' | 'system' | 'domain',
    string,
  ][]) {
    if (out[field]) out[field] = out[field]!.map(v => fullRef(v, kind));
  }
  return out;
}

export type ScorecardQuery = ScorecardFilter &
  ScorecardOrder & { limit: number; offset: number; cursor?: string };

/** Refs sent to the catalog per call when asking what a caller may see. */
const REFS_PER_CATALOG_CALL = 1000;

interface Cursor {
  /** The last row's ref: the next page starts after it. */
  r: string;
  /** Its position, used when that row left the filtered set. */
  o: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (
      typeof c?.r === 'string' &&
      Number.isInteger(c.o) &&
      c.o >= 0 &&
      c.r.length <= 512
    )
      return c;
  } catch {
    // answered below
  }
  throw new InputError('Invalid scorecard query: cursor: not a cursor');
}

/** A CSV cell: quoted when it must be, and never read as a formula by a spreadsheet. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim()
    ? `"${safe.replace(/"/g, '""')}"`
    : safe;
}

/**
 * The fleet scorecard: pages, CSV, summary and roll-ups, read from the scorecard's own
 * tables (never by rebuilding or parsing reports), as the caller may see them.
 *
 * Visibility follows the report reads: the catalog decides, with the caller's
 * credentials. The scorecard's refs are sent to the catalog (`getEntitiesByRefs`, 1,000
 * refs per call; 5 calls for 5,000 entities) and what comes back is the set of rows this
 * caller may see. That set is cached per caller for 5 s, as report reads cache the
 * catalog's answer (VisibilityCache: the same trade-off, a revoked permission or a new
 * entity shows up to 5 s late), so a user paging through the table pays the catalog once.
 *
 * `mesh.report.read` narrows that set: DENY leaves no row (and the catalog is not asked),
 * ALLOW leaves it whole, and a conditional decision is applied to each entity the
 * catalog returns, which then also sends the fields the rules read (RULE_FIELDS). The
 * policy is asked once per caller, not once per row (ReportReadPermission).
 */
export class ScorecardService {
  private readonly visibility: VisibilityCache<Set<string>>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      scorecard: ScorecardStore;
      history: HistoryStore;
      /** `mesh.report.read`: which of the visible rows the caller may read. */
      reads: ReportReadPermission;
      /** The check ids in catalog order: the CSV's check columns. */
      checkIds: () => string[];
      visibilityCache?: { ttlMs?: number; maxEntries?: number };
    },
  ) {
    this.visibility = new VisibilityCache<Set<string>>({
      ttlMs: 5_000,
      maxEntries: 1_000,
      ...options.visibilityCache,
    });
  }

  /** The ids of the registered checks (built-in and adopters'): what queries may name. */
  checkIds(): string[] {
    return this.options.checkIds();
  }

  /** The lower-cased refs of the scorecard's rows the catalog shows this caller. */
  private async visible(
    credentials: BackstageCredentials,
  ): Promise<(ref: string) => boolean> {
    const set = await this.visibleSet(credentials);
    return ref => set.has(ref);
  }

  private async visibleSet(
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    return this.visibility.get(credentials, '*', async () => {
      const scope = await this.options.reads.scope(credentials);
      const seen = new Set<string>();
      if (scope.kind === 'none') return seen;
      const refs = await this.options.scorecard.listRefs();
      for (let i = 0; i < refs.length; i += REFS_PER_CATALOG_CALL) {
        const { items } = await this.options.catalog.getEntitiesByRefs(
          {
            entityRefs: refs.slice(i, i + REFS_PER_CATALOG_CALL),
            fields:
              scope.kind === 'some'
                ? RULE_FIELDS
                : ['kind', 'metadata.name', 'metadata.namespace'],
          },
          { credentials },
        );
        for (const e of items) {
          if (e && (scope.kind === 'all' || scope.allows(e)))
            seen.add(stringifyEntityRef(e).toLocaleLowerCase('en-US'));
        }
      }
      return seen;
    });
  }

  /**
   * One page: one statement to the store (ScorecardStore.page), with the refs the
   * catalog shows this caller bound as one value. Only a cold visibility cache (once per
   * caller per 5 s) adds the look-up of every ref and the catalog's answer.
   */
  async page(
    query: ScorecardQuery,
    credentials: BackstageCredentials,
  ): Promise<ScorecardPage> {
    const visible = [...(await this.visibleSet(credentials))];
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const page = await this.options.scorecard.page(
      normalize(query),
      query,
      visible,
      {
        limit: query.limit,
        offset: cursor ? cursor.o : query.offset,
        after: cursor?.r.toLocaleLowerCase('en-US'),
      },
    );
    const end = page.offset + page.rows.length;
    const last = page.rows[page.rows.length - 1];
    return {
      rows: page.rows,
      total: page.total,
      limit: query.limit,
      offset: page.offset,
      ...(end < page.total && last
        ? {
            nextCursor: encodeCursor({
              r: last.entityRef.toLocaleLowerCase('en-US'),
              o: end,
            }),
          }
        : {}),
    };
  }

  /** The whole filtered, sorted table as CSV (RFC 4180), a header row first. */
  async csv(
    query: ScorecardFilter & ScorecardOrder,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const rows = await this.options.scorecard.allRows(
      normalize(query),
      query,
      await this.visible(credentials),
    );
    const known = this.options.checkIds();
    const extra = new Set<string>();
    for (const r of rows) {
      for (const id of Object.keys(r.checks))
        if (!known.includes(id)) extra.add(id);
    }
    const checkIds = [...known, ...[...extra].sort()];
    const header = [
      'entityRef',
      'title',
      'kind',
      'owner',
      'system',
      'domain',
      'namespaces',
      'clusters',
      'provider',
      'dataPlane',
      'score',
      'level',
      'coverage',
      'stale',
      'generatedAt',
      ...checkIds,
    ];
    const line = (r: ScorecardRow) =>
      [
        r.entityRef,
        r.title,
        r.kind,
        r.owner,
        r.system,
        r.domain,
        r.namespaces.join(' '),
        r.clusters.join(' '),
        r.provider,
        r.dataPlane,
        String(r.score),
        r.level,
        r.coverage ? `${r.coverage.covered}/${r.coverage.total}` : '',
        String(r.stale),
        r.generatedAt,
        ...checkIds.map(id => r.checks[id] ?? ''),
      ]
        .map(csvCell)
        .join(',');
    return `${[header.map(csvCell).join(','), ...rows.map(line)].join(
      '\r\n',
    )}\r\n`;
  }

  async summary(
    filter: ScorecardFilter,
    credentials: BackstageCredentials,
  ): Promise<ScorecardSummary> {
    return this.options.scorecard.summary(
      normalize(filter),
      await this.visible(credentials),
    );
  }

  async rollups(
    by: ScorecardRollupBy,
    filter: ScorecardFilter,
    credentials: BackstageCredentials,
  ): Promise<ScorecardRollupsResponse> {
    return {
      by,
      rollups: await this.options.scorecard.rollups(
        by,
        normalize(filter),
        await this.visible(credentials),
      ),
    };
  }

  /**
   * A roll-up key's daily trend. The points are fleet aggregates recorded at collection
   * time, not per viewer; they name no entity, and are served only for a key under which
   * the caller sees at least one entity today (else 404, as for an unknown key).
   */
  async rollupHistory(
    by: ScorecardRollupBy,
    key: string,
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<RollupHistoryResponse> {
    const lowered =
      by === 'namespace' || by === 'cluster'
        ? key
        : fullRef(key, by === 'group' ? 'group' : by);
    const filter: ScorecardFilter =
      by === 'group' ? { owner: [lowered] } : { [by]: [lowered] };
    const current = await this.options.scorecard.rollups(
      by,
      filter,
      await this.visible(credentials),
    );
    if (!current.some(r => r.key === lowered)) {
      throw new NotFoundError(
        `No scorecard entities with ${by} '${key}' that you may see`,
      );
    }
    return {
      by,
      key: lowered,
      days,
      points: await this.options.history.getRollup(
        by,
        lowered,
        firstDay(days, now),
      ),
    };
  }

  /**
   * The whole fleet's daily trend, recorded at collection time. Like a roll-up's, its
   * points are aggregates that name no entity; they are served to a caller who sees at
   * least one scorecard entity, and a caller who sees none gets no points (not a 404:
   * a fleet not collected yet is no error either).
   */
  async fleetHistory(
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ): Promise<FleetHistoryResponse> {
    if ((await this.visibleSet(credentials)).size === 0) {
      return { days, points: [] };
    }
    return {
      days,
      points: await this.options.history.getFleet(firstDay(days, now)),
    };
  }
}

/** The first day of a trend of `days` days ending today (UTC), `YYYY-MM-DD`. */
function firstDay(days: number, now: Date): string {
  const since = new Date(now);
  since.setUTCDate(since.getUTCDate() - (days - 1));
  return since.toISOString().slice(0, 10);
}
