import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  FactRetriever,
  TechInsightFact,
} from '@backstage-community/plugin-tech-insights-node';
import {
  MeshApiClient,
  MeshReport,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import {
  MESH_ENTITY_KINDS,
  MESH_FACT_RETRIEVER_ID,
  MESH_FACT_RETRIEVER_VERSION,
  meshFacts,
  meshFactSchema,
  needsReport,
  parseFullRef,
} from './facts';

/** The largest page `/v1/scorecard` serves. */
export const SCORECARD_PAGE_SIZE = 500;

/** Report reads in flight at once, for the evidence facts. */
export const REPORT_READ_CONCURRENCY = 4;

/** What the retriever reads of the mesh API (`MeshApiClient` fits). */
export type MeshReadinessApi = Pick<
  MeshApiClient,
  'getScorecard' | 'getReport'
>;

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return out;
}

/** Every scorecard row, page after page by cursor. */
export async function readAllRows(
  api: MeshReadinessApi,
  pageSize = SCORECARD_PAGE_SIZE,
): Promise<ScorecardRow[]> {
  const rows: ScorecardRow[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const page = await api.getScorecard({
      sort: 'entityRef',
      order: 'asc',
      limit: pageSize,
      cursor,
    });
    rows.push(...page.rows);
    if (!page.nextCursor) return rows;
    // A cursor seen before would page forever.
    if (seen.has(page.nextCursor)) {
      throw new Error(
        `The mesh scorecard returned the cursor '${page.nextCursor}' twice`,
      );
    }
    seen.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

/**
 * The facts of every entity the mesh has a report for: one scorecard pass, then a
 * report read (bounded in flight) only for entities whose evidence facts need one,
 * since the scorecard rows carry statuses but not the propagation ratio or the app
 * series count. An entity whose report cannot be read gets no facts this run, so its
 * previous facts stay the latest rather than being replaced with nulls.
 */
export async function collectMeshFacts(
  api: MeshReadinessApi,
  logger: LoggerService,
  options: { pageSize?: number; concurrency?: number } = {},
): Promise<TechInsightFact[]> {
  const rows = (await readAllRows(api, options.pageSize)).filter(row =>
    (MESH_ENTITY_KINDS as readonly string[]).includes(
      row.kind.toLocaleLowerCase('en-US'),
    ),
  );
  const facts = await mapLimit(
    rows,
    options.concurrency ?? REPORT_READ_CONCURRENCY,
    async (row): Promise<TechInsightFact | undefined> => {
      const entity = parseFullRef(row.entityRef);
      if (!entity) {
        logger.warn(`Skipping the malformed entity ref '${row.entityRef}'`);
        return undefined;
      }
      let report: MeshReport | undefined;
      if (needsReport(row)) {
        try {
          report = await api.getReport(row.entityRef);
        } catch (error) {
          logger.warn(
            `No mesh facts for ${row.entityRef} this run: reading its report failed: ${error}`,
          );
          return undefined;
        }
        if (!report) {
          logger.warn(
            `No mesh facts for ${row.entityRef} this run: its report is gone`,
          );
          return undefined;
        }
      }
      return { entity, facts: meshFacts(row, report) };
    },
  );
  return facts.filter((f): f is TechInsightFact => f !== undefined);
}

/**
 * A mesh API client that calls as the tech-insights plugin itself (its own service
 * credentials, a token for the `mesh` plugin), with one token for the whole run.
 */
export async function createServiceMeshClient(deps: {
  auth: AuthService;
  discovery: DiscoveryService;
}): Promise<MeshApiClient> {
  const { token } = await deps.auth.getPluginRequestToken({
    onBehalfOf: await deps.auth.getOwnServiceCredentials(),
    targetPluginId: 'mesh',
  });
  return new MeshApiClient({
    discoveryApi: deps.discovery,
    fetchApi: {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set('Authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    },
  });
}

/**
 * The fact retriever `mesh-readiness-retriever`: each entity's mesh readiness (score,
 * level, one boolean per check, trace propagation, double instrumentation, staleness).
 */
export function createMeshReadinessFactRetriever(deps: {
  auth: AuthService;
  discovery: DiscoveryService;
}): FactRetriever {
  return {
    id: MESH_FACT_RETRIEVER_ID,
    version: MESH_FACT_RETRIEVER_VERSION,
    title: 'Mesh readiness',
    description:
      'Service-mesh production readiness from the mesh plugin: score, level, one fact per check, trace propagation and double instrumentation',
    entityFilter: [{ kind: [...MESH_ENTITY_KINDS] }],
    schema: meshFactSchema(),
    async handler(ctx) {
      const api = await createServiceMeshClient(deps);
      return collectMeshFacts(api, ctx.logger);
    },
  };
}
