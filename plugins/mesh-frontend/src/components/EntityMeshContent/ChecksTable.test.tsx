import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { CheckResult } from '@mesh-readiness/plugin-mesh-common';
import { ChecksTable, groupChecks } from './ChecksTable';
import { copiedBy } from './__testUtils__/meshTab';

const check = (
  id: string,
  category: string,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult => ({
  id,
  title: `Title of ${id}`,
  category,
  status,
  summary: `Summary of ${id}`,
  evidence: {},
  ...extra,
});

const TWO_STEPS = `These pods started before injection applied. Restart them:
kubectl rollout restart deployment/checkout -n shop

Then check that the proxies are in sync:
istioctl proxy-status | grep shop`;

describe('groupChecks', () => {
  it("groups by the reference checklist's sections, in order, an adopter's unknown category last", () => {
    const groups = groupChecks([
      check('value.mesh-usage', 'value', 'pass'),
      check('acme.cost', 'finance', 'fail'),
      check('security.egress', 'security', 'pass'),
      check('security.mtls', 'security', 'fail'),
      check('operations.runbook', 'operations', 'warn'),
      check('acme.retries', 'security', 'warn'),
    ]);
    expect(groups.map(g => [g.id, g.checks.map(c => c.id)])).toEqual([
      ['security', ['security.mtls', 'acme.retries', 'security.egress']],
      ['upgrades', ['operations.runbook']],
      ['value', ['value.mesh-usage']],
      ['other', ['acme.cost']],
    ]);
  });
});

describe('ChecksTable', () => {
  it('says when the report has no checks', async () => {
    await renderInTestApp(
      <ChecksTable checks={[]} entityRef="component:default/x" />,
    );
    expect(screen.getByText('No checks in this report.')).toBeVisible();
  });

  it('gives each block of commands its own labelled copy button', async () => {
    await renderInTestApp(
      <ChecksTable
        checks={[
          check('mesh.enrollment', 'mesh', 'warn', { remediation: TWO_STEPS }),
        ]}
        entityRef="component:default/x"
      />,
    );
    const remediation = screen.getByTestId(
      'mesh-check-remediation-mesh.enrollment',
    );
    expect(
      within(remediation).getByText(/Then check that the proxies are in sync:/),
    ).toBeVisible();
    const copy1 = within(remediation).getByRole('button', {
      name: 'Copy: Title of mesh.enrollment, step 1',
    });
    const copy2 = within(remediation).getByRole('button', {
      name: 'Copy: Title of mesh.enrollment, step 2',
    });
    expect(await copiedBy(copy1)).toBe(
      'kubectl rollout restart deployment/checkout -n shop',
    );
    expect(await copiedBy(copy2)).toBe('istioctl proxy-status | grep shop');
  });

  it('shows the evidence, a lapsed attestation, and no actions without permissions', async () => {
    await renderInTestApp(
      <ChecksTable
        checks={[
          check('operations.runbook', 'operations', 'fail', {
            evidence: {
              expired: {
                id: 'a1',
                attestedBy: 'user:default/ana',
                attestedAt: '2025-01-02T10:00:00Z',
                note: 'runbook v1',
                expiresAt: '2025-07-01T10:00:00Z',
              },
              template: 'docs/runbooks/upgrade.md',
            },
          }),
        ]}
        entityRef="component:default/x"
      />,
    );
    expect(
      screen.getByTestId('mesh-check-attestation-operations.runbook'),
    ).toHaveTextContent(
      'Attestation expired by user:default/ana on 2025-01-02: runbook v1 (lapsed on 2025-07-01).',
    );
    expect(
      JSON.parse(
        screen.getByTestId('mesh-check-evidence-operations.runbook')
          .textContent!,
      ),
    ).toEqual({ template: 'docs/runbooks/upgrade.md' });
    expect(
      screen.queryByRole('button', { name: /^(Attest|Waive) / }),
    ).not.toBeInTheDocument();
  });

  it('offers no details toggle for a check with nothing to show', async () => {
    await renderInTestApp(
      <ChecksTable
        checks={[check('security.egress', 'security', 'pass')]}
        entityRef="component:default/x"
      />,
    );
    const row = screen.getByTestId('mesh-check-security.egress');
    expect(within(row).queryByRole('button')).not.toBeInTheDocument();
  });

  it('opens and closes details from the keyboard', async () => {
    await renderInTestApp(
      <ChecksTable
        checks={[
          check('security.egress', 'security', 'pass', {
            remediation: 'kubectl get se -A',
          }),
        ]}
        entityRef="component:default/x"
      />,
    );
    await userEvent.tab();
    const toggle = screen.getByRole('button', {
      name: 'Show details of Title of security.egress',
    });
    expect(toggle).toHaveFocus();
    await userEvent.keyboard(' ');
    expect(
      await screen.findByTestId('mesh-check-remediation-security.egress'),
    ).toBeVisible();
    expect(toggle).toHaveAccessibleName(
      'Hide details of Title of security.egress',
    );
  });
});
