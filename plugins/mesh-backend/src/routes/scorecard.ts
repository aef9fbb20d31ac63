import {
  FleetHistoryResponse,
  SCORECARD_ROLLUP_BY,
  SCORECARD_SORT_COLUMNS,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MeshAccess } from '../service/access';
import { ScorecardService } from '../service/ScorecardService';
import { parseOrThrow } from './parse';

/** A filter given once or repeated (`owner=a&owner=b`): always a list, each bounded. */
const many = (item: z.ZodString) =>
  z
    .union([item, z.array(item).max(50)])
    .transform(v => (Array.isArray(v) ? v : [v]))
    .optional();

const refOrName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-zA-Z0-9:/._-]+$/, 'not an entity ref or name');
const kubeName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'not a Kubernetes name');
const check = z
  .string()
  .max(160)
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}:(pass|warn|fail|unknown|not-applicable|waived)$/,
    'expected <check-id>:<pass|warn|fail|unknown|not-applicable|waived>',
  );

const filterFields = {
  owner: many(refOrName),
  system: many(refOrName),
  domain: many(refOrName),
  namespace: many(kubeName),
  cluster: many(
    z
      .string()
      .min(1)
      .max(255)
      .regex(/^[a-zA-Z0-9._-]+$/, 'not a cluster name'),
  ),
  provider: many(
    z.string().regex(/^(istio|linkerd|none|unknown)$/, 'not a provider'),
  ),
  level: many(
    z
      .string()
      .max(32)
      .regex(/^[a-z][a-z-]*$/, 'not a readiness level'),
  ),
  check: many(check),
  q: z.string().min(1).max(200).optional(),
};

const scorecardQuery = z
  .object({
    ...filterFields,
    sort: z.enum(SCORECARD_SORT_COLUMNS).default('entityRef'),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    cursor: z.string().min(1).max(800).optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .strict()
  .refine(v => !(v.cursor && v.offset), {
    message: 'give either cursor or offset, not both',
    path: ['cursor'],
  });

const summaryQuery = z.object(filterFields).strict();

const rollupsQuery = z
  .object({ ...filterFields, by: z.enum(SCORECARD_ROLLUP_BY) })
  .strict();

const rollupHistoryQuery = z
  .object({
    by: z.enum(SCORECARD_ROLLUP_BY),
    key: z.string().min(1).max(255),
    days: z.coerce.number().int().min(1).max(3650).default(365),
  })
  .strict();

const fleetHistoryQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(3650).default(365),
  })
  .strict();

/** The filters of a parsed query, as the store takes them. */
function toFilter(q: z.infer<typeof summaryQuery>) {
  const { check: checks, ...rest } = q;
  return {
    ...rest,
    checks: checks?.map(c => {
      const at = c.lastIndexOf(':');
      return { id: c.slice(0, at), status: c.slice(at + 1) };
    }),
  };
}

/**
 * The fleet scorecard's routes: HTTP only. Every query string is validated strictly (an
 * unknown parameter is a 400 naming it); the service reads the store.
 */
export function scorecardRoutes(
  scorecard: ScorecardService,
  access: MeshAccess,
): express.Router {
  const router = Router();

  router.get('/v1/scorecard', async (req, res) => {
    const q = parseOrThrow(scorecardQuery, req.query, 'scorecard query');
    const credentials = await access.forRead(req);
    const { sort, order, limit, offset, cursor, format, ...filters } = q;
    const filter = toFilter(filters);
    // JSON unless CSV is asked for by name or preferred by the Accept header.
    const csv =
      format === 'csv' ||
      (format === undefined &&
        req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      const body = await scorecard.csv({ ...filter, sort, order }, credentials);
      res
        .type('text/csv; charset=utf-8')
        .attachment('mesh-scorecard.csv')
        .send(body);
      return;
    }
    res.json(
      await scorecard.page(
        { ...filter, sort, order, limit, offset, cursor },
        credentials,
      ),
    );
  });

  router.get('/v1/scorecard/summary', async (req, res) => {
    const q = parseOrThrow(summaryQuery, req.query, 'scorecard query');
    res.json(await scorecard.summary(toFilter(q), await access.forRead(req)));
  });

  router.get('/v1/scorecard/rollups', async (req, res) => {
    const { by, ...filters } = parseOrThrow(
      rollupsQuery,
      req.query,
      'scorecard query',
    );
    res.json(
      await scorecard.rollups(by, toFilter(filters), await access.forRead(req)),
    );
  });

  router.get('/v1/history/rollups', async (req, res) => {
    const { by, key, days } = parseOrThrow(
      rollupHistoryQuery,
      req.query,
      'scorecard query',
    );
    res.json(
      await scorecard.rollupHistory(by, key, days, await access.forRead(req)),
    );
  });

  router.get('/v1/history/fleet', async (req, res) => {
    const { days } = parseOrThrow(
      fleetHistoryQuery,
      req.query,
      'history query',
    );
    const body: FleetHistoryResponse = await scorecard.fleetHistory(
      days,
      await access.forRead(req),
    );
    res.json(body);
  });

  return router;
}
