import { KubeObject } from '@mesh-readiness/plugin-mesh-node';
import { meshCertificateFacts } from './certificates';

const PEM = `-----BEGIN CERTIFICATE-----
MIIBnzCCAUWgAwIBAgIUREhVSM7k3wqaXh3JC02nlp8RQdowCgYIKoZIzj0EAwIw
JTEjMCEGA1UEAwwacm9vdC5saW5rZXJkLmNsdXN0ZXIubG9jYWwwHhcNMjYxMTMw
MDYzMTAwWhcNMzYxMTI3MDYzMTAwWjAlMSMwIQYDVQQDDBpyb290LmxpbmtlcmQu
Y2x1c3Rlci5sb2NhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKHNeX8Yookq
A88qnsmpt2VMzQe5bcwCPYzsTjmFu4Dq0JY8uinP9bltUoBZ4Az3wI7aWgd8Fzva
m4vyxtGYFDejUzBRMB0GA1UdDgQWBBRXAOYxyMYkm6ob1F2+9Pqm5wZ+6TAfBgNV
HSMEGDAWgBRXAOYxyMYkm6ob1F2+9Pqm5wZ+6TAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0gAMEUCIQCIL4YggtNS/BKlIVZh0pcc2UFuTJkggljfRHed5tVU
GQIgWct1yo/50IFLt2jAQ1DpnQa4e6X/P3vd7sR6xvgNeRk=
-----END CERTIFICATE-----
`;

const cm = (
  name: string,
  ns: string,
  data: Record<string, string>,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

describe('meshCertificateFacts', () => {
  it('reads every certificate of the Linkerd trust bundle', () => {
    const facts = meshCertificateFacts([
      cm('linkerd-identity-trust-roots', 'linkerd', {
        'ca-bundle.crt': `${PEM}${PEM}`,
      }),
    ]);
    expect(facts).toHaveLength(2);
    expect(facts[0]).toEqual({
      mesh: 'linkerd',
      role: 'trust-anchor',
      source: {
        kind: 'ConfigMap',
        namespace: 'linkerd',
        name: 'linkerd-identity-trust-roots',
      },
      key: 'ca-bundle.crt',
      subject: 'CN=root.linkerd.cluster.local',
      notAfter: '2036-11-27T06:31:00.000Z',
    });
  });

  it('falls back to linkerd-config identityTrustAnchorsPEM', () => {
    const values = `identityTrustAnchorsPEM: |\n${PEM.split('\n')
      .map(l => `  ${l}`)
      .join('\n')}\n`;
    const facts = meshCertificateFacts([
      cm('linkerd-config', 'linkerd', { values }),
    ]);
    expect(facts.map(f => [f.role, f.key, f.notAfter])).toEqual([
      [
        'trust-anchor',
        'values.identityTrustAnchorsPEM',
        '2036-11-27T06:31:00.000Z',
      ],
    ]);
  });

  it("reads the issuer from a collected Secret, and Istio's root once", () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'linkerd-identity-issuer', namespace: 'linkerd' },
      data: { 'crt.pem': Buffer.from(PEM).toString('base64') },
    };
    const facts = meshCertificateFacts(
      [
        cm('istio-ca-root-cert', 'istio-system', { 'root-cert.pem': PEM }),
        cm('istio-ca-root-cert', 'shop', { 'root-cert.pem': PEM }),
      ],
      [secret],
    );
    expect(facts.map(f => `${f.mesh}:${f.role}:${f.source.namespace}`)).toEqual(
      ['linkerd:issuer:linkerd', 'istio:root:istio-system'],
    );
  });

  it.each([
    ['tls.crt (cert-manager)', 'tls.crt'],
    ['crt.pem (linkerd install)', 'crt.pem'],
  ])('reads the issuer certificate from %s', (_what, key) => {
    const facts = meshCertificateFacts(
      [],
      [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'linkerd-identity-issuer', namespace: 'linkerd' },
          type: 'kubernetes.io/tls',
          data: { [key]: Buffer.from(PEM).toString('base64') },
        },
      ],
    );
    expect(facts.map(f => [f.role, f.key, f.notAfter])).toEqual([
      ['issuer', key, '2036-11-27T06:31:00.000Z'],
    ]);
  });

  it('reports an issuer Secret without a certificate key', () => {
    const facts = meshCertificateFacts(
      [],
      [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'linkerd-identity-issuer', namespace: 'linkerd' },
          data: {},
        },
      ],
    );
    expect(facts.map(f => [f.role, f.problem])).toEqual([
      ['issuer', 'the Secret has neither crt.pem nor tls.crt'],
    ]);
  });

  it('reports an unreadable value instead of throwing', () => {
    const facts = meshCertificateFacts([
      cm('istio-ca-root-cert', 'istio-system', { 'root-cert.pem': 'garbage' }),
      cm('linkerd-identity-trust-roots', 'linkerd', {
        'ca-bundle.crt':
          '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      }),
    ]);
    expect(facts.map(f => f.problem)).toEqual([
      expect.stringContaining('not a readable X.509 certificate'),
      'no PEM certificate in the value',
    ]);
  });
});
