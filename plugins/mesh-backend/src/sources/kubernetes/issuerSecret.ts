/**
 * The one Secret the plugin reads: Linkerd's `linkerd-identity-issuer`, for the issuer
 * certificate's expiry. Secrets hold private keys, so the sources never list Secrets:
 * the API source GETs this one by name (RBAC can grant exactly it, with
 * `resourceNames`), the manifests source drops every other Secret, and both reduce it to
 * its certificate before it enters the snapshot.
 */
import { KubeObject } from '@mesh-readiness/plugin-mesh-node';

export const LINKERD_ISSUER_SECRET = 'linkerd-identity-issuer';

/**
 * The certificate keys: `crt.pem` as `linkerd install` writes the Secret, `tls.crt` as
 * cert-manager does. Everything else (`key.pem`, `tls.key`, `ca.crt`) is dropped.
 */
export const ISSUER_CERTIFICATE_KEYS = ['crt.pem', 'tls.crt'];

const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};

/** True for the issuer Secret of the Linkerd control plane in `linkerdNamespace`. */
export function isLinkerdIssuerSecret(
  obj: KubeObject,
  linkerdNamespace: string,
): boolean {
  return (
    obj.kind === 'Secret' &&
    obj.metadata.name === LINKERD_ISSUER_SECRET &&
    obj.metadata.namespace === linkerdNamespace
  );
}

/**
 * The Secret with its certificate only. Annotations go too: `kubectl apply` keeps the
 * whole Secret, private key included, in `last-applied-configuration`. A manifest's
 * `stringData` certificate is kept, base64-encoded into `data` as the API would store it.
 */
export function certificateOnly(secret: KubeObject): KubeObject {
  const meta = secret.metadata;
  const data = record(secret.data);
  const stringData = record(secret.stringData);
  const kept: Record<string, string> = {};
  for (const key of ISSUER_CERTIFICATE_KEYS) {
    if (typeof data[key] === 'string') kept[key] = data[key] as string;
    else if (typeof stringData[key] === 'string') {
      kept[key] = Buffer.from(stringData[key] as string, 'utf8').toString(
        'base64',
      );
    }
  }
  return {
    apiVersion: secret.apiVersion,
    kind: secret.kind,
    metadata: {
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      ...(meta.uid ? { uid: meta.uid } : {}),
      ...(typeof meta.resourceVersion === 'string'
        ? { resourceVersion: meta.resourceVersion }
        : {}),
      ...(typeof meta.creationTimestamp === 'string'
        ? { creationTimestamp: meta.creationTimestamp }
        : {}),
      ...(meta.labels ? { labels: meta.labels } : {}),
    },
    ...(typeof secret.type === 'string' ? { type: secret.type } : {}),
    data: kept,
  };
}
