import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import { appWithProxies } from '../../__testUtils__/controlPlane';
import {
  FETCHED_AT,
  contextFor,
  istioProxy,
  namespace,
  snapshot,
} from '../../__testUtils__/fixtures';
import { onCallCheck, ON_CALL_TEMPLATE } from './onCall';
import { runbookCheck, UPGRADE_RUNBOOK_TEMPLATE } from './runbook';

const SHOP = namespace('shop', { labels: { 'istio-injection': 'enabled' } });
const MESHED = [SHOP, ...appWithProxies('shop', [istioProxy()])];
const UNMESHED = [SHOP, ...appWithProxies('shop', [undefined])];
const ASOF = '2026-03-01T10:00:00.000Z';

function attestation(o: Partial<Attestation>): Attestation {
  return {
    id: 'a1',
    entityRef: 'component:default/checkout',
    checkId: 'operations.runbook',
    note: 'runbook reviewed in the upgrade drill',
    link: 'https://wiki.example.com/runbooks/checkout',
    createdBy: 'user:default/alice',
    createdAt: '2026-02-01T09:00:00.000Z',
    expiresAt: '2026-08-01T09:00:00.000Z',
    ...o,
  };
}

const ctx = (items: Attestation[], objects = MESHED) =>
  contextFor([snapshot('prod', objects)], undefined, '5m', {
    attestations: { items, asOf: ASOF },
  });

const checks = [
  {
    check: runbookCheck,
    id: 'operations.runbook',
    template: UPGRADE_RUNBOOK_TEMPLATE,
  },
  { check: onCallCheck, id: 'operations.on-call', template: ON_CALL_TEMPLATE },
];

describe.each(checks)('$id', ({ check, id, template }) => {
  const cases: Array<{
    name: string;
    items: Attestation[];
    objects?: typeof MESHED;
    status: string;
    summary: string;
    evidence?: Record<string, unknown>;
    remediation: boolean;
  }> = [
    {
      name: 'a valid attestation for the entity',
      items: [attestation({ checkId: id })],
      status: 'pass',
      summary:
        'Attested by user:default/alice on 2026-02-01: runbook reviewed in the upgrade drill (valid until 2026-08-01).',
      evidence: {
        attestation: {
          id: 'a1',
          attestedBy: 'user:default/alice',
          attestedAt: '2026-02-01T09:00:00.000Z',
          note: 'runbook reviewed in the upgrade drill',
          link: 'https://wiki.example.com/runbooks/checkout',
          expiresAt: '2026-08-01T09:00:00.000Z',
        },
      },
      remediation: false,
    },
    {
      name: 'a valid attestation for the owner group (spec.owner: team-shop)',
      items: [
        attestation({ checkId: id, entityRef: 'group:default/team-shop' }),
      ],
      status: 'pass',
      summary: 'Attested by user:default/alice',
      evidence: {
        attestation: expect.objectContaining({
          madeFor: 'group:default/team-shop',
        }),
      },
      remediation: false,
    },
    {
      name: 'an expired attestation',
      items: [
        attestation({ checkId: id, expiresAt: '2026-02-28T09:00:00.000Z' }),
      ],
      status: 'fail',
      summary: 'expired on 2026-02-28',
      evidence: {
        expired: expect.objectContaining({
          expiresAt: '2026-02-28T09:00:00.000Z',
        }),
        template,
      },
      remediation: true,
    },
    {
      name: 'an attestation expiring exactly at the run time counts as expired',
      items: [attestation({ checkId: id, expiresAt: ASOF })],
      status: 'fail',
      summary: 'expired on 2026-03-01',
      remediation: true,
    },
    {
      name: 'a valid one beside an expired one',
      items: [
        attestation({
          id: 'old',
          checkId: id,
          expiresAt: '2026-01-01T00:00:00.000Z',
        }),
        attestation({ id: 'new', checkId: id }),
      ],
      status: 'pass',
      summary: 'Attested by',
      evidence: { attestation: expect.objectContaining({ id: 'new' }) },
      remediation: false,
    },
    {
      name: 'none',
      items: [],
      status: 'fail',
      summary: 'No one has attested',
      evidence: { attestation: null, template },
      remediation: true,
    },
    {
      name: "another check's attestation",
      items: [attestation({ checkId: 'control-plane.certificates' })],
      status: 'fail',
      summary: 'No one has attested',
      remediation: true,
    },
    {
      name: "another entity's attestation",
      items: [
        attestation({ checkId: id, entityRef: 'component:default/cart' }),
      ],
      status: 'fail',
      summary: 'No one has attested',
      remediation: true,
    },
    {
      name: 'not meshed',
      items: [attestation({ checkId: id })],
      objects: UNMESHED,
      status: 'not-applicable',
      summary: 'Not in the mesh',
      remediation: false,
    },
  ];

  it.each(cases)('$name → $status', c => {
    const out = check.evaluate(ctx(c.items, c.objects));
    expect(out.status).toBe(c.status);
    expect(out.summary).toContain(c.summary);
    expect(out.evidence).toEqual(expect.objectContaining(c.evidence ?? {}));
    expect(Boolean(out.remediation)).toBe(c.remediation);
  });

  it('says in its remediation what to attest and links the runbook template', () => {
    const out = check.evaluate(ctx([]));
    expect(out.remediation).toContain(template);
    expect(out.remediation).toContain(`"checkId":"${id}"`);
    expect(out.remediation).toContain(
      '"entityRef":"component:default/checkout"',
    );
    expect(out.remediation).toContain('/api/mesh/v1/attestations');
  });

  it('without attestations in the options, judges none at the snapshots’ time', () => {
    const out = check.evaluate(contextFor([snapshot('prod', MESHED)]));
    expect(out.status).toBe('fail');
    expect(FETCHED_AT).toBe(ASOF);
  });
});
