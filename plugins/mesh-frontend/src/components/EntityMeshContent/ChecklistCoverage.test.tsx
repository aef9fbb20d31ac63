import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { CHECKLIST } from '@mesh-readiness/plugin-mesh-common';
import { makeReport } from '../../__fixtures__/reports';
import { ChecklistCoverage } from './ChecklistCoverage';

describe('ChecklistCoverage', () => {
  it('lists the twelve lines with their verdict, attestation or "not measured"', async () => {
    const report = makeReport();
    await renderInTestApp(
      <ChecklistCoverage
        checks={[
          ...report.checks,
          {
            id: 'operations.on-call',
            title: 'On-call trained on proxy debugging',
            category: 'operations',
            status: 'pass',
            summary: 'Attested',
            evidence: {
              attestation: {
                attestedBy: 'user:default/ana',
                attestedAt: '2026-01-02T10:00:00Z',
                note: 'proxy-config drill',
                link: 'https://wiki.example.com/drill',
                expiresAt: '2099-01-01T00:00:00Z',
                madeFor: 'group:default/team-a',
              },
            },
          },
        ]}
      />,
    );
    const table = screen.getByRole('table', { name: 'Production checklist' });
    const rows = within(table)
      .getAllByTestId(/^mesh-coverage-/)
      .filter(el => el.tagName === 'TR');
    expect(rows.map(r => r.dataset.testid)).toEqual(
      CHECKLIST.map(l => `mesh-coverage-${l.id}`),
    );
    const verdict = (line: string) =>
      within(screen.getByTestId(`mesh-coverage-${line}`)).getAllByRole(
        'cell',
      )[1].textContent;
    // the fixture: enrollment pass, mTLS fail, sidecar warn, tracing unknown,
    // certificates not applicable
    expect(verdict('rollout')).toBe('pass');
    expect(verdict('authorization')).toBe('fail');
    expect(verdict('sidecar-resources')).toBe('warn');
    expect(verdict('trace-propagation')).toBe('not measured');
    expect(verdict('cert-rotation')).toBe('not-applicable');
    expect(verdict('egress')).toBe('not measured');
    expect(verdict('on-call')).toBe('pass');
    expect(screen.getByTestId('mesh-coverage-egress')).toHaveTextContent(
      'No check of this report serves this line.',
    );
    expect(screen.getByTestId('mesh-coverage-authorization')).toHaveTextContent(
      'mTLS on and traffic encrypted (fail)',
    );
    const attestation = screen.getByTestId('mesh-coverage-attestation-on-call');
    expect(attestation).toHaveTextContent(
      'Attested by user:default/ana on 2026-01-02: proxy-config drill · valid until 2099-01-01 · made for group:default/team-a',
    );
    const link = within(attestation).getByRole('link', { name: 'record' });
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    // 4 lines have a verdict; cert-rotation does not apply
    expect(
      screen.getByText('4 of 11 applicable lines have a verdict'),
    ).toBeVisible();
  });
});
