import { z } from 'zod';
import { labelKeyError, labelValueError } from './names';

const stringMap = z.record(z.string(), z.string());

/**
 * Labels as the API server accepts them. Labels select workloads for entities, so an
 * object whose labels break the syntax rules is refused rather than half-matched.
 */
const labelMap = stringMap.superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const error = labelKeyError(key) ?? labelValueError(value);
    if (error) ctx.addIssue({ code: 'custom', message: error, path: [key] });
  }
});

/**
 * The part of a Kubernetes object that every kind shares, checked before the object
 * enters a snapshot. The rest (`spec`, `status`) stays as the API returned it; only the
 * fact builders read it, defensively, and checks never see it.
 */
export const kubeObjectSchema = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    metadata: z
      .object({
        name: z.string().min(1),
        namespace: z.string().min(1).optional(),
        uid: z.string().optional(),
        labels: labelMap.nullish(),
        annotations: stringMap.nullish(),
        ownerReferences: z
          .array(
            z
              .object({
                kind: z.string(),
                name: z.string(),
                controller: z.boolean().optional(),
              })
              .passthrough(),
          )
          .nullish(),
      })
      .passthrough(),
    spec: z.unknown().optional(),
    status: z.unknown().optional(),
  })
  .passthrough();

/** A Kubernetes object as a source delivers it (validated metadata, raw spec and status). */
export type KubeObject = z.infer<typeof kubeObjectSchema>;

/** A problem with part of a source's input; the rest of the input is still used. */
export interface SourceProblem {
  /** Where: a file and line, or an API path. */
  location: string;
  message: string;
}

/** A kind the source could not list: the checks that need it say why. */
export interface UnavailableResource {
  kind: string;
  group: string;
  /** kubectl's name of the resource, e.g. `peerauthentications.security.istio.io`. */
  resource: string;
  reason: 'forbidden' | 'error';
  message: string;
}

/** `Service`, `policy/PodDisruptionBudget`, `security.istio.io/AuthorizationPolicy`. */
export function kindKey(obj: { apiVersion: string; kind: string }): string {
  const slash = obj.apiVersion.indexOf('/');
  return slash > 0 ? `${obj.apiVersion.slice(0, slash)}/${obj.kind}` : obj.kind;
}
