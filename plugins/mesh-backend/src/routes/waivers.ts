import { InputError } from '@backstage/errors';
import {
  WAIVER_LIMITS,
  WaiversResponse,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MeshAccess } from '../service/access';
import { WaiverService } from '../service/WaiverService';
import { parseOrThrow } from './parse';

const REASON_MAX_LENGTH = WAIVER_LIMITS.reasonMaxLength;

const createBody = z
  .object({
    entityRef: z.string().min(1).max(512),
    checkId: z.string().min(1).max(100),
    reason: z
      .string()
      .trim()
      .min(1, 'must not be empty: say why the check does not count')
      .max(REASON_MAX_LENGTH, `at most ${REASON_MAX_LENGTH} characters`),
    // The calendar and today are the service's to judge.
    until: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
      .optional(),
  })
  .strict();

const listQuery = z.object({ entityRef: z.string().min(1).max(512) }).strict();

const idParams = z.object({
  id: z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      'invalid waiver id',
    ),
});

/** `/v1/waivers`: HTTP only; MeshAccess decides who may, the service what applies. */
export function waiversRouter(options: {
  waivers: WaiverService;
  access: MeshAccess;
}): express.Router {
  const { waivers, access } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/v1/waivers', async (req, res) => {
    const { entityRef } = parseOrThrow(listQuery, req.query, 'waivers query');
    const body: WaiversResponse = await waivers.list(
      entityRef,
      await access.forRead(req),
    );
    res.json(body);
  });

  router.post('/v1/waivers', async (req, res) => {
    const credentials = await access.forManagingWaivers(req);
    if (!req.is('application/json')) {
      throw new InputError(
        `Invalid waiver: the body must be JSON (Content-Type: application/json), got '${
          req.headers['content-type'] ?? 'no content type'
        }'`,
      );
    }
    const request = parseOrThrow(createBody, req.body, 'waiver');
    res.status(201).json(await waivers.create(request, credentials));
  });

  router.delete('/v1/waivers/:id', async (req, res) => {
    const credentials = await access.forManagingWaivers(req);
    const { id } = parseOrThrow(idParams, req.params, 'waiver id');
    await waivers.delete(id, credentials);
    res.status(204).end();
  });

  return router;
}
