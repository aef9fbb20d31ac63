import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import {
  KubeObject,
  MetricSeries,
  MetricsData,
} from '@mesh-readiness/plugin-mesh-node';
import {
  appWithProxies,
  istiod,
  linkerdControlPlane,
} from '../../__testUtils__/controlPlane';
import {
  FETCHED_AT,
  contextFor,
  istioProxy,
  linkerdProxy,
  metrics,
  namespace,
  snapshot,
  unconfiguredSource,
} from '../../__testUtils__/fixtures';
import { certificatesCheck } from './certificates';

const NOW = Date.parse(FETCHED_AT) / 1000;
const DAY = 86_400;

/** A trust anchor valid until 2036-11-27 (openssl req -x509 -days 3650). */
const TRUST_ANCHOR = `-----BEGIN CERTIFICATE-----
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

const trustRoots = (pem: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'linkerd-identity-trust-roots', namespace: 'linkerd' },
  data: { 'ca-bundle.crt': pem },
});

type Row = MetricSeries['meshCertificateExpiry'][number];
const expiry = (rows: Array<[Row['cert'], number]>): MetricsData =>
  metrics({}, '5m', {
    meshCertificateExpiry: rows.map(([cert, seconds]) => ({
      cert,
      namespace: cert === 'linkerd-identity' ? 'shop' : 'istio-system',
      expiresAt: NOW + seconds,
    })),
  });

const SHOP = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const ISTIO = [SHOP, ...istiod(), ...appWithProxies('shop', [istioProxy()])];
const LINKERD = [
  ...linkerdControlPlane(),
  ...appWithProxies('shop', [linkerdProxy()]),
];
const AMBIENT = [
  ...istiod(),
  ...appWithProxies('shop', [undefined], {
    annotations: [{ 'ambient.istio.io/redirection': 'enabled' }],
  }),
];

const cases: Array<{
  name: string;
  objects: KubeObject[];
  metrics?: MetricsData;
  unconfigured?: boolean;
  status: string;
  summary: string;
  remediation?: string;
}> = [
  {
    name: 'Istio root under 14 days',
    objects: ISTIO,
    metrics: expiry([
      ['istio-root', 10 * DAY],
      ['istio-chain', 300 * DAY],
    ]),
    status: 'fail',
    summary: "istiod's CA root certificate expires in 10 days",
    remediation: 'kubectl rollout restart deployment/checkout -n shop',
  },
  {
    name: 'Istio chain under 60 days',
    objects: ISTIO,
    metrics: expiry([
      ['istio-root', 3000 * DAY],
      ['istio-chain', 30 * DAY],
    ]),
    status: 'warn',
    summary: "istiod's CA certificate chain expires in 30 days",
    remediation: 'cacerts',
  },
  {
    name: 'Istio healthy',
    objects: ISTIO,
    metrics: expiry([
      ['istio-root', 3000 * DAY],
      ['istio-chain', 365 * DAY],
    ]),
    status: 'pass',
    summary: 'valid for 365 more days',
  },
  {
    name: 'ambient judged by istiod',
    objects: AMBIENT,
    metrics: expiry([['istio-root', 5 * DAY]]),
    status: 'fail',
    summary: 'expires in 5 days',
  },
  {
    name: 'Linkerd identity under 60 days',
    objects: LINKERD,
    metrics: expiry([['linkerd-identity', 45 * DAY]]),
    status: 'warn',
    summary: 'a Linkerd proxy identity certificate expires in 45 days',
    remediation: 'linkerd upgrade --identity-issuer-certificate-file',
  },
  {
    name: 'Linkerd identity expired',
    objects: LINKERD,
    metrics: expiry([['linkerd-identity', -2 * DAY]]),
    status: 'fail',
    summary: 'expired on 2026-02-27',
  },
  {
    name: 'Linkerd proxy leaf certificates rotating (24 h)',
    objects: LINKERD,
    metrics: expiry([['linkerd-identity', 20 * 3600]]),
    status: 'pass',
    summary: 'a Linkerd proxy identity certificate',
  },
  {
    name: 'Linkerd trust anchor from the ConfigMap, no metric',
    objects: [...LINKERD, trustRoots(TRUST_ANCHOR)],
    status: 'pass',
    summary: 'the Linkerd trust anchor (CN=root.linkerd.cluster.local)',
  },
  {
    name: 'Istio without any expiry metric or root ConfigMap',
    objects: ISTIO,
    status: 'unknown',
    summary: "is istiod's monitoring port 15014 scraped?",
  },
  {
    name: 'Linkerd without metric and without trust roots',
    objects: LINKERD,
    status: 'unknown',
    summary: 'linkerd-identity-trust-roots',
  },
  {
    name: 'no Prometheus and no certificate object',
    objects: ISTIO,
    unconfigured: true,
    status: 'unknown',
    summary: "no Prometheus for cluster 'prod'",
  },
  {
    name: 'not meshed',
    objects: [SHOP, ...appWithProxies('shop', [undefined])],
    status: 'not-applicable',
    summary: 'Not in the mesh',
  },
];

/** A cert rotation drill attested for the entity, valid at FETCHED_AT. */
const DRILL: Attestation = {
  id: 'drill',
  entityRef: 'component:default/checkout',
  checkId: 'control-plane.certificates',
  note: 'killed the issuer in staging; proxies rotated in 40 s',
  createdBy: 'user:default/alice',
  createdAt: '2026-02-01T09:00:00.000Z',
  expiresAt: '2026-08-01T09:00:00.000Z',
};
const attested = (items: Attestation[]) => ({
  attestations: { items, asOf: FETCHED_AT },
});

describe('control-plane.certificates', () => {
  // The expiry part, with the rotation drill attested: the expiry verdict stands.
  it.each(cases)(
    '$name → $status',
    ({ objects, status, summary, remediation, metrics: m, unconfigured }) => {
      const out = certificatesCheck.evaluate(
        contextFor(
          [
            snapshot(
              'prod',
              objects,
              unconfigured
                ? { prometheus: unconfiguredSource }
                : { metrics: m },
            ),
          ],
          undefined,
          '5m',
          attested([DRILL]),
        ),
      );
      expect({ status: out.status, summary: out.summary }).toEqual({
        status,
        summary: expect.stringContaining(summary),
      });
      expect(out.remediation ?? '').toContain(remediation ?? '');
      expect(Boolean(out.remediation)).toBe(
        status === 'fail' || status === 'warn',
      );
      expect(
        out.summary.includes(
          'Cert rotation tested: attested by user:default/alice on 2026-02-01 (valid until 2026-08-01).',
        ),
      ).toBe(status !== 'not-applicable');
    },
  );

  it('reads its thresholds from settings', () => {
    const ctx = contextFor([
      snapshot('prod', ISTIO, { metrics: expiry([['istio-root', 30 * DAY]]) }),
    ]);
    const strict = {
      ...ctx,
      settings: {
        ...ctx.settings,
        certificates: {
          ...ctx.settings.certificates,
          warnDays: 90,
          failDays: 45,
        },
      },
    };
    expect(certificatesCheck.evaluate(ctx).status).toBe('warn');
    expect(certificatesCheck.evaluate(strict).status).toBe('fail');
  });

  // The attested part: "cert rotation tested". Every branch of the mapping, with the
  // expiry fine (pass), near (warn), failing and unknown, and with the drill required.
  const PASSING = expiry([
    ['istio-root', 3000 * DAY],
    ['istio-chain', 300 * DAY],
  ]);
  const WARNING = expiry([['istio-root', 30 * DAY]]);
  const FAILING = expiry([['istio-root', 10 * DAY]]);
  const UNKNOWN = metrics({}, '5m', {});
  const LAPSED = { ...DRILL, expiresAt: '2026-02-20T09:00:00.000Z' };
  const ATTEST = '"checkId":"control-plane.certificates"';
  const ROTATE = 'kubectl create secret generic cacerts';
  it.each([
    {
      name: 'valid drill, certificates fine',
      m: PASSING,
      items: [DRILL],
      status: 'pass',
      summary: 'Cert rotation tested: attested by user:default/alice',
      rotation: expect.objectContaining({
        id: 'drill',
        attestedBy: 'user:default/alice',
      }),
      remediation: undefined,
    },
    {
      name: 'valid drill for the owner group',
      m: PASSING,
      items: [{ ...DRILL, entityRef: 'group:default/team-shop' }],
      status: 'pass',
      summary: 'Cert rotation tested: attested by',
      rotation: expect.objectContaining({ madeFor: 'group:default/team-shop' }),
      remediation: undefined,
    },
    {
      name: 'valid drill, a certificate near expiry: the expiry verdict',
      m: WARNING,
      items: [DRILL],
      status: 'warn',
      summary: 'expires in 30 days',
      rotation: expect.objectContaining({ id: 'drill' }),
      remediation: [ROTATE],
    },
    {
      name: 'valid drill even when required',
      m: PASSING,
      items: [DRILL],
      required: true,
      status: 'pass',
      summary: 'Cert rotation tested: attested by',
      rotation: expect.objectContaining({ id: 'drill' }),
      remediation: undefined,
    },
    {
      name: 'no drill attested, certificates fine: still pass, says so, says how',
      m: PASSING,
      items: [],
      status: 'pass',
      summary: 'cert rotation drill not attested',
      rotation: null,
      remediation: ['docs/runbooks/cert-rotation-drill.md', ATTEST],
    },
    {
      name: 'no drill attested, a certificate near expiry: the expiry warn',
      m: WARNING,
      items: [],
      status: 'warn',
      summary: 'cert rotation drill not attested',
      rotation: null,
      remediation: [ROTATE, ATTEST],
    },
    {
      name: 'no drill, and a certificate about to expire: the expiry fail stands',
      m: FAILING,
      items: [],
      status: 'fail',
      summary: "istiod's CA root certificate expires in 10 days",
      rotation: null,
      remediation: [
        'kubectl rollout restart deployment/checkout -n shop',
        ATTEST,
      ],
    },
    {
      name: 'no drill attested and required (requireRotationDrill): fail',
      m: PASSING,
      items: [],
      required: true,
      status: 'fail',
      summary:
        'Rotation: cert rotation drill not attested, and mesh.checks.certificates.requireRotationDrill requires it.',
      rotation: null,
      remediation: [ATTEST],
    },
    {
      name: 'the drill attestation lapsed, certificates fine: fail',
      m: PASSING,
      items: [LAPSED],
      status: 'fail',
      summary: 'attestation expired on 2026-02-20',
      rotation: { expired: expect.objectContaining({ id: 'drill' }) },
      remediation: [ATTEST],
    },
    {
      name: 'the drill attestation lapsed, a certificate near expiry: fail',
      m: WARNING,
      items: [LAPSED],
      status: 'fail',
      summary: 'attestation expired on 2026-02-20',
      rotation: { expired: expect.objectContaining({ id: 'drill' }) },
      remediation: [ROTATE, ATTEST],
    },
    {
      name: 'a lapsed drill beside a valid one: the valid one counts',
      m: PASSING,
      items: [LAPSED, { ...DRILL, id: 'renewed' }],
      status: 'pass',
      summary: 'Cert rotation tested: attested by',
      rotation: expect.objectContaining({ id: 'renewed' }),
      remediation: undefined,
    },
    {
      name: 'a drill does not vouch for an unknown expiry',
      m: UNKNOWN,
      items: [DRILL],
      status: 'unknown',
      summary: 'Certificate expiry unknown',
      rotation: expect.objectContaining({ id: 'drill' }),
      remediation: undefined,
    },
    {
      name: 'no drill and an unknown expiry: unknown, nothing to attest yet',
      m: UNKNOWN,
      items: [],
      status: 'unknown',
      summary: 'cert rotation drill not attested',
      rotation: null,
      remediation: undefined,
    },
    {
      name: 'no drill, required, and an unknown expiry: still unknown',
      m: UNKNOWN,
      items: [],
      required: true,
      status: 'unknown',
      summary: 'Certificate expiry unknown',
      rotation: null,
      remediation: undefined,
    },
    {
      name: 'a lapsed drill and an unknown expiry: unknown, the lapse named',
      m: UNKNOWN,
      items: [LAPSED],
      status: 'unknown',
      summary: 'attestation expired on 2026-02-20',
      rotation: { expired: expect.objectContaining({ id: 'drill' }) },
      remediation: undefined,
    },
  ])(
    '$name → $status',
    ({ m, items, required, status, summary, rotation, remediation }) => {
      const ctx = contextFor(
        [snapshot('prod', ISTIO, { metrics: m })],
        undefined,
        '5m',
        attested(items),
      );
      const out = certificatesCheck.evaluate({
        ...ctx,
        settings: {
          ...ctx.settings,
          certificates: {
            ...ctx.settings.certificates,
            requireRotationDrill: required ?? false,
          },
        },
      });
      expect(out.status).toBe(status);
      expect(out.summary).toContain(summary);
      expect(out.evidence.rotationTested).toEqual(rotation);
      expect(out.evidence.rotationDrillRequired).toBe(required ?? false);
      for (const words of remediation ?? []) {
        expect(out.remediation).toContain(words);
      }
      expect(out.remediation === undefined).toBe(remediation === undefined);
    },
  );

  it('is off by default: a never-attested drill does not fail healthy certificates', () => {
    const ctx = contextFor(
      [snapshot('prod', ISTIO, { metrics: PASSING })],
      undefined,
      '5m',
      attested([]),
    );
    expect(ctx.settings.certificates.requireRotationDrill).toBe(false);
    expect(certificatesCheck.evaluate(ctx).status).toBe('pass');
  });

  it('says why it fails first when the drill, not the certificates, fails it', () => {
    const out = certificatesCheck.evaluate(
      contextFor(
        [snapshot('prod', ISTIO, { metrics: PASSING })],
        undefined,
        '5m',
        attested([LAPSED]),
      ),
    );
    expect(out.summary).toMatch(
      /^Cert rotation drill: attestation expired on 2026-02-20 \(made by user:default\/alice on 2026-02-01\); attest it again\. /,
    );
  });

  it('a failing expiry with no drill asks for both: the rotation and the drill', () => {
    const out = certificatesCheck.evaluate(
      contextFor(
        [snapshot('prod', ISTIO, { metrics: FAILING })],
        undefined,
        '5m',
        attested([]),
      ),
    );
    expect(out.remediation).toContain('kubectl create secret generic cacerts');
    expect(out.remediation).toContain('docs/runbooks/cert-rotation-drill.md');
  });
});
