import express from 'express';
import Router from 'express-promise-router';
import { MeshAccess } from '../service/access';

/** What the route serves: a prom-client Registry fits (routes/ never import metrics/). */
export interface MetricsExposition {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export interface MetricsRouteOptions {
  exposition: MetricsExposition;
  /**
   * `mesh.metrics.allowUnauthenticated`: plugin.ts adds the auth-policy exception for
   * `/metrics`, and the route asks for no credentials. Otherwise a user or service
   * token is required, as on every other route.
   */
  allowUnauthenticated: boolean;
}

/** `GET /metrics`: the Prometheus text exposition. HTTP only. */
export function metricsRoute(
  { exposition, allowUnauthenticated }: MetricsRouteOptions,
  access: MeshAccess,
): express.Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    // Without the exception, the HTTP router has already refused a request with no
    // token (mesh.requireAuth opens the read routes, not this one). With it, the config
    // has opened the export to anyone, so no permission is asked either.
    if (!allowUnauthenticated) await access.forFleetExport(req);
    const body = await exposition.metrics();
    // As a Buffer, so express keeps the content type as written (version first).
    res.setHeader('Content-Type', exposition.contentType);
    res.send(Buffer.from(body, 'utf8'));
  });
  return router;
}
