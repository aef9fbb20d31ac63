import { InputError, NotFoundError } from '@backstage/errors';
import {
  ChecksResponse,
  HistoryResponse,
  RefreshResponse,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MeshAccess } from './service/access';
import { MeshReportService } from './service/MeshReportService';
import { AttestationService } from './service/AttestationService';
import { attestationsRouter } from './routes/attestations';
import { ScorecardService } from './service/ScorecardService';
import { scorecardRoutes } from './routes/scorecard';
import { parseOrThrow } from './routes/parse';
import { WaiverService } from './service/WaiverService';
import { waiversRouter } from './routes/waivers';
import { metricsRoute, MetricsRouteOptions } from './routes/metrics';
import { ClusterFleetService } from './service/ClusterFleetService';
import { clustersRoutes } from './routes/clusters';

/** Backstage entity name rules (kind, namespace and name segments of a ref). */
const SEGMENT = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

const entityParams = z.object({
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

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return (
    (length !== undefined && length !== '0') ||
    req.headers['transfer-encoding'] !== undefined
  );
}

export interface RouterOptions {
  service: MeshReportService;
  access: MeshAccess;
  /** Serves `/v1/attestations` (routes/attestations.ts) when given. */
  attestations?: AttestationService;
  /** Serves the fleet scorecard routes (routes/scorecard.ts) when given. */
  scorecard?: ScorecardService;
  /** Serves `/v1/waivers` (routes/waivers.ts) when given. */
  waivers?: WaiverService;
  /** Serves `GET /metrics` (routes/metrics.ts) when given. */
  metrics?: MetricsRouteOptions;
  /** Serves `/v1/clusters` (routes/clusters.ts) when given. */
  clusters?: ClusterFleetService;
}

/** HTTP only: validates the input, asks the service, writes the answer. */
export async function createRouter({
  service,
  access,
  attestations,
  scorecard,
  metrics,
  waivers,
  clusters,
}: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/v1/checks', async (req, res) => {
    await access.forRead(req);
    const body: ChecksResponse = { checks: service.listChecks() };
    res.json(body);
  });

  router.get('/v1/reports/:kind/:namespace/:name', async (req, res) => {
    const ref = parseOrThrow(entityParams, req.params, 'entity reference');
    // The stored report is sent as it was serialised (a MeshReport as JSON); res.json
    // would parse nothing but stringify it again. Same headers as res.json.
    const body = await service.getReportBody(ref, await access.forRead(req));
    res.type('application/json').send(body);
  });

  router.get('/v1/history/:kind/:namespace/:name', async (req, res) => {
    const { days } = parseOrThrow(historyQuery, req.query, 'history query');
    const ref = parseOrThrow(entityParams, req.params, 'entity reference');
    const body: HistoryResponse = await service.getHistory(
      ref,
      days,
      await access.forRead(req),
    );
    res.json(body);
  });

  router.post('/v1/refresh', async (req, res) => {
    await access.forRefresh(req);
    // A body express.json did not read (text/plain, a form) would otherwise look empty,
    // and an empty body means "collect everything".
    if (hasBody(req) && !req.is('application/json')) {
      throw new InputError(
        `Invalid refresh request: the body must be JSON (Content-Type: application/json), got '${
          req.headers['content-type'] ?? 'no content type'
        }'`,
      );
    }
    const request = parseOrThrow(refreshBody, req.body, 'refresh request');
    const body: RefreshResponse = await service.refresh(request);
    res.json(body);
  });

  if (scorecard) router.use(scorecardRoutes(scorecard, access));

  if (metrics) router.use(metricsRoute(metrics, access));

  if (attestations) router.use(attestationsRouter({ attestations, access }));

  if (waivers) router.use(waiversRouter({ waivers, access }));

  if (clusters) router.use(clustersRoutes(clusters, access));

  // Anything else under the plugin's path is answered in Backstage's error format too.
  router.use((req, _res) => {
    throw new NotFoundError(
      `No route ${req.method} ${req.path} in the mesh API`,
    );
  });

  return router;
}
