/**
 * Mesh CA certificates from the objects the Kubernetes source collects: Linkerd's trust
 * anchors (`linkerd-identity-trust-roots` ConfigMap, `ca-bundle.crt`; older installs keep
 * them in `linkerd-config` as `identityTrustAnchorsPEM`), Linkerd's issuer (the
 * `linkerd-identity-issuer` Secret's `crt.pem` or `tls.crt`: the sources read that one
 * Secret by name, reduced to its certificate, when RBAC allows) and Istio's root
 * (`istio-ca-root-cert` ConfigMap, `root-cert.pem`, which istiod writes into every
 * namespace). X.509 parsing happens here, once per run, so checks only compare dates.
 */
import { X509Certificate } from 'node:crypto';
import {
  KubeObject,
  MeshCertificateFacts,
} from '@mesh-readiness/plugin-mesh-node';
import { parse } from 'yaml';
import { asRecord, refOf } from './read';

const PEM_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

type Base = Omit<MeshCertificateFacts, 'subject' | 'notAfter' | 'problem'>;

/** Every certificate of a PEM bundle; a bundle with none is one fact with a problem. */
export function pemCertificates(
  pem: string,
  base: Base,
): MeshCertificateFacts[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    return [{ ...base, problem: 'no PEM certificate in the value' }];
  }
  return blocks.map(block => {
    try {
      const cert = new X509Certificate(block);
      return {
        ...base,
        subject: cert.subject.replace(/\n/g, ', '),
        notAfter: new Date(cert.validTo).toISOString(),
      };
    } catch (e) {
      return {
        ...base,
        problem: `not a readable X.509 certificate (${(e as Error).message})`,
      };
    }
  });
}

function dataKey(obj: KubeObject, key: string): string | undefined {
  const value = asRecord(asRecord(obj).data)[key];
  return typeof value === 'string' ? value : undefined;
}

/** The CA certificates found in ConfigMaps (and Secrets, when any were collected). */
export function meshCertificateFacts(
  configMaps: KubeObject[],
  secrets: KubeObject[] = [],
): MeshCertificateFacts[] {
  const out: MeshCertificateFacts[] = [];
  const trustRoots = configMaps.filter(
    cm => cm.metadata.name === 'linkerd-identity-trust-roots',
  );
  for (const cm of trustRoots) {
    const pem = dataKey(cm, 'ca-bundle.crt');
    if (pem === undefined) continue;
    out.push(
      ...pemCertificates(pem, {
        mesh: 'linkerd',
        role: 'trust-anchor',
        source: refOf(cm),
        key: 'ca-bundle.crt',
      }),
    );
  }
  if (trustRoots.length === 0) {
    for (const cm of configMaps.filter(
      c => c.metadata.name === 'linkerd-config',
    )) {
      const values = dataKey(cm, 'values');
      let pem: unknown;
      try {
        pem = values ? asRecord(parse(values)).identityTrustAnchorsPEM : '';
      } catch {
        pem = undefined;
      }
      if (typeof pem === 'string' && pem) {
        out.push(
          ...pemCertificates(pem, {
            mesh: 'linkerd',
            role: 'trust-anchor',
            source: refOf(cm),
            key: 'values.identityTrustAnchorsPEM',
          }),
        );
      }
    }
  }
  for (const secret of secrets.filter(
    s => s.metadata.name === 'linkerd-identity-issuer',
  )) {
    // `linkerd install` writes crt.pem; cert-manager's kubernetes.io/tls Secret tls.crt.
    const key = ['crt.pem', 'tls.crt'].find(
      k => dataKey(secret, k) !== undefined,
    );
    if (key === undefined) {
      out.push({
        mesh: 'linkerd',
        role: 'issuer',
        source: refOf(secret),
        key: 'crt.pem',
        problem: 'the Secret has neither crt.pem nor tls.crt',
      });
      continue;
    }
    out.push(
      ...pemCertificates(
        Buffer.from(dataKey(secret, key)!, 'base64').toString('utf8'),
        { mesh: 'linkerd', role: 'issuer', source: refOf(secret), key },
      ),
    );
  }
  // istiod copies its root into every namespace; one copy per CA is enough.
  const seen = new Set<string>();
  for (const cm of configMaps.filter(
    c => c.metadata.name === 'istio-ca-root-cert',
  )) {
    const pem = dataKey(cm, 'root-cert.pem');
    if (pem === undefined || seen.has(pem)) continue;
    seen.add(pem);
    out.push(
      ...pemCertificates(pem, {
        mesh: 'istio',
        role: 'root',
        source: refOf(cm),
        key: 'root-cert.pem',
      }),
    );
  }
  return out;
}
