import { CheckResult } from '@mesh-readiness/plugin-mesh-common';
import {
  AttestationInfo,
  attestationOf,
  checklistItemOf,
  waiverOf,
} from './checkDetails';

const check = (
  status: CheckResult['status'],
  evidence: Record<string, unknown>,
  id = 'operations.on-call',
): CheckResult => ({
  id,
  title: id,
  category: 'operations',
  status,
  summary: '',
  evidence,
});

const a = {
  id: 'a1',
  attestedBy: 'user:default/ana',
  attestedAt: '2026-01-02T10:00:00Z',
  note: 'drill',
  link: 'https://wiki/x',
  expiresAt: '2099-01-01T00:00:00Z',
};

describe('waiverOf', () => {
  it.each<[string, CheckResult, ReturnType<typeof waiverOf>]>([
    [
      'an API waiver',
      check('waived', {
        waived: {
          status: 'fail',
          reason: 'r',
          until: '2099-01-01',
          by: 'u',
          at: 't',
          origin: 'api',
        },
      }),
      {
        status: 'fail',
        reason: 'r',
        until: '2099-01-01',
        by: 'u',
        at: 't',
        origin: 'api',
      },
    ],
    [
      'an annotation waiver (no author)',
      check('waived', { waived: { status: 'warn', reason: 'r' } }),
      { status: 'warn', reason: 'r' },
    ],
    [
      'a check that is not waived',
      check('fail', { waived: { status: 'fail', reason: 'r' } }),
      undefined,
    ],
    [
      'a waiver without a reason',
      check('waived', { waived: { status: 'fail', reason: ' ' } }),
      undefined,
    ],
    [
      'evidence that is no object',
      check('waived', { waived: 'yes' }),
      undefined,
    ],
    [
      'an unknown origin and non-string fields are dropped',
      check('waived', {
        waived: { status: 'fail', reason: 'r', by: 3, origin: 'mail' },
      }),
      { status: 'fail', reason: 'r' },
    ],
  ])('%s', (_what, c, expected) => {
    expect(waiverOf(c)).toEqual(expected);
  });
});

describe('attestationOf', () => {
  it.each<[string, Record<string, unknown>, Partial<AttestationInfo>]>([
    [
      'a valid one (runbook, on-call)',
      { attestation: a },
      {
        id: 'a1',
        by: 'user:default/ana',
        expired: false,
        link: 'https://wiki/x',
      },
    ],
    [
      'the rotation drill (certificates)',
      { rotationTested: a },
      { by: 'user:default/ana', expired: false },
    ],
    [
      'a lapsed one',
      { expired: a, template: 'docs/x.md' },
      { by: 'user:default/ana', expired: true },
    ],
    [
      'a lapsed rotation drill',
      { rotationTested: { expired: a } },
      { expired: true },
    ],
    [
      'made for the owner group',
      { attestation: { ...a, madeFor: 'group:default/t' } },
      { madeFor: 'group:default/t' },
    ],
  ])('reads %s', (_what, evidence, expected) => {
    expect(attestationOf(check('pass', evidence))).toMatchObject(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    ['none', { attestation: null }],
    [
      'one without its author',
      { attestation: { ...a, attestedBy: undefined } },
    ],
    ['one that is not an object', { attestation: 'yes' }],
  ])('finds no attestation in %s', (_what, evidence) => {
    expect(attestationOf(check('pass', evidence))).toBeUndefined();
  });
});

describe('checklistItemOf', () => {
  it.each<[string, Partial<CheckResult>, string | undefined]>([
    ['from the report', { id: 'acme.x', checklistItem: 'egress' }, 'egress'],
    [
      'from the catalog for an older report',
      { id: 'security.egress' },
      'egress',
    ],
    ['none for an unknown check', { id: 'acme.x' }, undefined],
    ['none for a prototype key', { id: 'toString' }, undefined],
  ])('%s', (_what, extra, item) => {
    expect(checklistItemOf({ ...check('pass', {}), ...extra })).toBe(item);
  });
});
