import { InputError } from '@backstage/errors';
import {
  ATTESTATION_LIMITS,
  AttestationsResponse,
} from '@mesh-readiness/plugin-mesh-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { MeshAccess } from '../service/access';
import { AttestationService } from '../service/AttestationService';
import { parseOrThrow } from './parse';

const { noteMaxLength, linkMaxLength, minDays, maxDays } = ATTESTATION_LIMITS;

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const createBody = z
  .object({
    entityRef: z.string().min(1).max(512),
    checkId: z.string().min(1).max(100),
    note: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(noteMaxLength, `at most ${noteMaxLength} characters`),
    link: z
      .string()
      .max(linkMaxLength, `at most ${linkMaxLength} characters`)
      .refine(isHttpUrl, 'must be an http(s) URL')
      .optional(),
    expiresInDays: z
      .number()
      .int('must be a whole number of days')
      .min(minDays, `must be between ${minDays} and ${maxDays}`)
      .max(maxDays, `must be between ${minDays} and ${maxDays}`),
  })
  .strict();

const listQuery = z.object({ entityRef: z.string().min(1).max(512) }).strict();

// A UUID, or `config-<n>` for one declared in app-config: deleting that one must reach
// the service, which answers 409 with where to remove it instead.
const idParams = z.object({
  id: z
    .string()
    .regex(
      /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|config-\d{1,6})$/i,
      'invalid attestation id',
    ),
});

/** `/v1/attestations`: HTTP only; the service decides who may and what applies. */
export function attestationsRouter(options: {
  attestations: AttestationService;
  access: MeshAccess;
}): express.Router {
  const { attestations, access } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/v1/attestations', async (req, res) => {
    const { entityRef } = parseOrThrow(
      listQuery,
      req.query,
      'attestations query',
    );
    const body: AttestationsResponse = await attestations.list(
      entityRef,
      await access.forRead(req),
    );
    res.json(body);
  });

  router.post('/v1/attestations', async (req, res) => {
    const credentials = await access.forRead(req);
    if (!req.is('application/json')) {
      throw new InputError(
        `Invalid attestation: the body must be JSON (Content-Type: application/json), got '${
          req.headers['content-type'] ?? 'no content type'
        }'`,
      );
    }
    const request = parseOrThrow(createBody, req.body, 'attestation');
    res.status(201).json(await attestations.create(request, credentials));
  });

  router.delete('/v1/attestations/:id', async (req, res) => {
    const { id } = parseOrThrow(idParams, req.params, 'attestation id');
    await attestations.delete(id, await access.forRead(req));
    res.status(204).end();
  });

  return router;
}
