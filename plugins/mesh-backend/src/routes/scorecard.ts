import {
  CHECK_STATUS_SORT_ORDER,
  FleetHistoryResponse,
  ReadinessLevel,
  SCORECARD_ROLLUP_BY,
  SCORECARD_SORT_COLUMNS,
  ScorecardSort,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MeshAccess } from '../service/access';
import { ScorecardService } from '../service/ScorecardService';
import { parseOrThrow } from './parse';

/** Every level, checked complete against the type. */
const LEVELS = Object.keys({
  'production-ready': true,
  'almost-ready': true,
  'not-ready': true,
  'not-meshed': true,
  unmapped: true,
} satisfies Record<ReadinessLevel, true>) as [
  ReadinessLevel,
  ...ReadinessLevel[],
];
const PROVIDERS = ['istio', 'linkerd', 'none', 'unknown'] as const;
const STATUSES = CHECK_STATUS_SORT_ORDER;
const CHECK_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

/** A value shown in a message: quoted, and cut short so a long one cannot flood it. */
const shown = (v: unknown) =>
  `'${String(v).slice(0, 80)}${String(v).length > 80 ? '…' : ''}'`;

/** One of a fixed set; the 400 names the value given and the values allowed. */
const oneOf = <const T extends readonly [string, ...string[]]>(
  values: T,
  what: string,
) =>
  z.enum(values, {
    error: iss =>
      `${shown(iss.input)} is not ${what}; one of ${values.join(', ')}`,
  });

/**
 * A filter given once or repeated (`owner=a&owner=b`): always a list, each bounded. A
 * single value is made a list first, so a bad one is reported by its own message.
 */
const many = <T extends z.ZodType<string, string>>(item: T) =>
  z.preprocess(
    v => (typeof v === 'string' ? [v] : v),
    z.array(item).max(50).optional(),
  );

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

/**
 * The query schemas. Check ids are those registered now (built-in and adopters'), so a
 * typo in `check=` or `sort=check:` is a 400 naming it, not an empty page.
 */
function querySchemas(checkIds: () => string[]) {
  const unknownCheck = (id: string) =>
    `${shown(id)} is not a check id (GET /v1/checks lists them)`;
  const check = z
    .string()
    .max(160)
    .superRefine((value, ctx) => {
      const at = value.lastIndexOf(':');
      const [id, status] = [value.slice(0, at), value.slice(at + 1)];
      if (at < 0 || !CHECK_ID.test(id)) {
        ctx.addIssue({
          code: 'custom',
          message: `${shown(value)}: expected <check-id>:<${STATUSES.join(
            '|',
          )}>`,
        });
      } else if (!checkIds().includes(id)) {
        ctx.addIssue({ code: 'custom', message: unknownCheck(id) });
      } else if (!(STATUSES as readonly string[]).includes(status)) {
        ctx.addIssue({
          code: 'custom',
          message: `${shown(
            status,
          )} is not a check status; one of ${STATUSES.join(', ')}`,
        });
      }
    });

  const sort = z
    .string()
    .max(160)
    .superRefine((value, ctx) => {
      if ((SCORECARD_SORT_COLUMNS as readonly string[]).includes(value)) return;
      if (value.startsWith('check:')) {
        const id = value.slice('check:'.length);
        if (!CHECK_ID.test(id) || !checkIds().includes(id))
          ctx.addIssue({ code: 'custom', message: unknownCheck(id) });
        return;
      }
      ctx.addIssue({
        code: 'custom',
        message: `${shown(
          value,
        )} is not a column; one of ${SCORECARD_SORT_COLUMNS.join(
          ', ',
        )}, or check:<check-id>`,
      });
    })
    .transform(v => v as ScorecardSort)
    .default('entityRef');

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
    provider: many(oneOf(PROVIDERS, 'a provider')),
    level: many(oneOf(LEVELS, 'a readiness level')),
    check: many(check),
    q: z.string().min(1).max(200).optional(),
  };

  const rollupBy = oneOf(SCORECARD_ROLLUP_BY, 'a roll-up');

  return {
    scorecard: z
      .object({
        ...filterFields,
        sort,
        order: oneOf(['asc', 'desc'], 'an order').default('asc'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
        cursor: z.string().min(1).max(800).optional(),
        format: oneOf(['json', 'csv'], 'a format').optional(),
      })
      .strict()
      .refine(v => !(v.cursor && v.offset), {
        message: 'give either cursor or offset, not both',
        path: ['cursor'],
      }),
    summary: z.object(filterFields).strict(),
    rollups: z.object({ ...filterFields, by: rollupBy }).strict(),
    rollupHistory: z
      .object({
        by: rollupBy,
        key: z.string().min(1).max(255),
        days: z.coerce.number().int().min(1).max(3650).default(365),
      })
      .strict(),
    fleetHistory: z
      .object({
        days: z.coerce.number().int().min(1).max(3650).default(365),
      })
      .strict(),
  };
}

type FilterQuery = z.infer<ReturnType<typeof querySchemas>['summary']>;

/** The filters of a parsed query, as the store takes them. */
function toFilter(q: FilterQuery) {
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
  const schemas = querySchemas(() => scorecard.checkIds());

  router.get('/v1/scorecard', async (req, res) => {
    const q = parseOrThrow(schemas.scorecard, req.query, 'scorecard query');
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
    const q = parseOrThrow(schemas.summary, req.query, 'scorecard query');
    res.json(await scorecard.summary(toFilter(q), await access.forRead(req)));
  });

  router.get('/v1/scorecard/rollups', async (req, res) => {
    const { by, ...filters } = parseOrThrow(
      schemas.rollups,
      req.query,
      'scorecard query',
    );
    res.json(
      await scorecard.rollups(by, toFilter(filters), await access.forRead(req)),
    );
  });

  router.get('/v1/history/rollups', async (req, res) => {
    const { by, key, days } = parseOrThrow(
      schemas.rollupHistory,
      req.query,
      'scorecard query',
    );
    res.json(
      await scorecard.rollupHistory(by, key, days, await access.forRead(req)),
    );
  });

  router.get('/v1/history/fleet', async (req, res) => {
    const { days } = parseOrThrow(
      schemas.fleetHistory,
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
