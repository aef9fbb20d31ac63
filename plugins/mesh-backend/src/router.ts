import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ChecksResponse,
  hasMeshMapping,
  HistoryResponse,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { checkDefinitions } from './checks/registry';
import { buildEntityReport } from './collector/buildReport';
import { MeshCollector } from './collector/MeshCollector';
import { resolveEntityMapping } from './mapping/entityMapping';
import { MeshStores } from './store';

/** Backstage entity name rules (kind, namespace and name segments of a ref). */
const SEGMENT = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

const reportParams = z.object({
  kind: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,62}$/, 'invalid entity kind'),
  namespace: z.string().regex(SEGMENT, 'invalid entity namespace'),
  name: z.string().regex(SEGMENT, 'invalid entity name'),
});

const historyQuery = z
  .object({ days: z.coerce.number().int().min(1).max(3650).default(90) })
  .strict();

const refreshBody = z
  .object({ entityRef: z.string().min(1).max(512).optional() })
  .strict();

function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `Invalid ${what}: ${
        issue.path.length ? `${issue.path.join('.')}: ` : ''
      }${issue.message}`,
    );
  }
  return result.data;
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  stores: MeshStores;
  collector: MeshCollector;
  window: string;
  requireAuth: boolean;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, auth, catalog, stores, collector, window, requireAuth } =
    options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  /** The caller's credentials, or the plugin's own when reads are open to everyone. */
  async function readCredentials(
    req: express.Request,
  ): Promise<BackstageCredentials> {
    if (requireAuth)
      return httpAuth.credentials(req, { allow: ['user', 'service'] });
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service', 'none'],
    });
    return credentials.principal.type === 'none'
      ? auth.getOwnServiceCredentials()
      : credentials;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/checks', async (req, res) => {
    await readCredentials(req);
    const body: ChecksResponse = { checks: checkDefinitions() };
    res.json(body);
  });

  /** The entity the route names, looked up with the caller's credentials (catalog permissions apply). */
  async function entityFor(req: express.Request) {
    const params = parseOrThrow(reportParams, req.params, 'entity reference');
    const credentials = await readCredentials(req);
    const entity = await catalog.getEntityByRef(params, { credentials });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${stringifyEntityRef(params)} in the catalog`,
      );
    }
    return entity;
  }

  router.get('/v1/reports/:kind/:namespace/:name', async (req, res) => {
    const entity = await entityFor(req);
    // Without a valid mapping there is nothing to collect; answer from the annotations
    // as they are now, so fixing them shows at once.
    if (
      !hasMeshMapping(entity) ||
      resolveEntityMapping(entity).kind === 'invalid'
    ) {
      res.json(buildEntityReport(entity, [], window));
      return;
    }
    const report = await stores.reports.getReport(stringifyEntityRef(entity));
    if (!report) {
      throw new NotFoundError(
        `No mesh report for ${stringifyEntityRef(
          entity,
        )} yet: it appears after the next collection, or POST /v1/refresh to collect now`,
      );
    }
    res.json(report);
  });

  router.get('/v1/history/:kind/:namespace/:name', async (req, res) => {
    const { days } = parseOrThrow(historyQuery, req.query, 'history query');
    const entity = await entityFor(req);
    const since = new Date();
    since.setUTCDate(since.getUTCDate() - (days - 1));
    const entityRef = stringifyEntityRef(entity);
    const body: HistoryResponse = {
      entityRef,
      days,
      points: await stores.history.get(
        entityRef,
        since.toISOString().slice(0, 10),
      ),
    };
    res.json(body);
  });

  router.post('/v1/refresh', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const request = parseOrThrow(refreshBody, req.body, 'refresh request');
    let entityRef: string | undefined;
    if (request.entityRef) {
      try {
        entityRef = stringifyEntityRef(
          parseEntityRef(request.entityRef, { defaultKind: 'component' }),
        );
      } catch (e) {
        throw new InputError(
          `Invalid entityRef '${request.entityRef}': ${(e as Error).message}`,
        );
      }
    }
    const { clusters } = await collector.collect({ entityRef });
    const body: RefreshResponse = { clusters };
    res.json(body);
  });

  return router;
}
