import {
  ClusterFleetHistoryResponse,
  ClustersResponse,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MeshAccess } from '../service/access';
import { ClusterFleetService } from '../service/ClusterFleetService';
import { parseOrThrow } from './parse';

/** What `mesh.clusters[].name` accepts. */
const clusterParams = z.object({
  cluster: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/, 'invalid cluster name'),
});

const historyQuery = z
  .object({ days: z.coerce.number().int().min(1).max(3650).default(365) })
  .strict();

/** The clusters' fleet figures per collection run: HTTP only. */
export function clustersRoutes(
  clusters: ClusterFleetService,
  access: MeshAccess,
): express.Router {
  const router = Router();

  router.get('/v1/clusters', async (req, res) => {
    parseOrThrow(z.object({}).strict(), req.query, 'clusters query');
    const body: ClustersResponse = await clusters.list(
      await access.forRead(req),
    );
    res.json(body);
  });

  router.get('/v1/clusters/:cluster/history', async (req, res) => {
    const { days } = parseOrThrow(historyQuery, req.query, 'history query');
    const { cluster } = parseOrThrow(clusterParams, req.params, 'cluster');
    const body: ClusterFleetHistoryResponse = await clusters.history(
      cluster,
      days,
      await access.forRead(req),
    );
    res.json(body);
  });

  return router;
}
