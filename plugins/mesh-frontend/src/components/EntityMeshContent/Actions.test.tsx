import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks } from '@backstage/test-utils';
import { makeReport } from '../../__fixtures__/reports';
import {
  ATTESTATION,
  ON_CALL_FAILING,
  WAIVER,
  serveReports,
  withOnCall,
} from './__testUtils__/actions';
import {
  BASE,
  SCRIPT_URL,
  defaultHandlers,
  errorBody,
  renderTab,
} from './__testUtils__/meshTab';

// The permission answers are cached by the permission hook (SWR) for the whole file:
// this file is the allowed user; ActionsDenied and ActionsPartial are the others.
const server = setupServer(...defaultHandlers);
registerMswTestHooks(server);

/** Pastes into a field: typing long text key by key only slows the test down. */
async function fill(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

describe('Attest and Waive', () => {
  it('offers Attest on attestable checks and Waive on every check not waived, when allowed', async () => {
    serveReports(server, withOnCall());
    await renderTab({ authorize: true });

    const onCall = await screen.findByTestId(
      'mesh-check-remediation-operations.on-call',
    );
    expect(onCall).toBeInTheDocument();
    expect(
      await screen.findByRole('button', {
        name: 'Attest On-call trained on proxy debugging',
      }),
    ).toBeVisible();
    expect(
      screen.getByRole('button', {
        name: 'Waive On-call trained on proxy debugging',
      }),
    ).toBeVisible();
    // security.mtls is open (failing): Waive, but no Attest (not attestable)
    expect(
      screen.getByRole('button', {
        name: 'Waive mTLS on and traffic encrypted',
      }),
    ).toBeVisible();
    expect(
      screen.queryByRole('button', {
        name: 'Attest mTLS on and traffic encrypted',
      }),
    ).not.toBeInTheDocument();
  });

  it('attests through a labelled form, then reloads the report', async () => {
    const attested = withOnCall({
      ...ON_CALL_FAILING,
      status: 'pass',
      summary:
        'Attested by user:default/ana on 2026-01-02: drill on 2026-01-02 (valid until 2099-07-01).',
      evidence: {
        attestation: {
          id: ATTESTATION.id,
          attestedBy: ATTESTATION.createdBy,
          attestedAt: ATTESTATION.createdAt,
          note: ATTESTATION.note,
          link: ATTESTATION.link,
          expiresAt: ATTESTATION.expiresAt,
        },
      },
      remediation: undefined,
    });
    const reads = serveReports(server, withOnCall(), attested);
    let body: unknown;
    server.use(
      http.post(`${BASE}/v1/attestations`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(ATTESTATION, { status: 201 });
      }),
    );
    await renderTab();

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Attest On-call trained on proxy debugging',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Attest: On-call trained on proxy debugging',
    });
    // an empty note is refused before anything is sent
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Attest' }),
    );
    expect(
      within(dialog).getByText('Say what was done, and by whom.'),
    ).toBeVisible();
    expect(body).toBeUndefined();

    await fill(within(dialog).getByLabelText(/^Note/), 'drill on 2026-01-02');
    await fill(within(dialog).getByLabelText('Link (optional)'), SCRIPT_URL);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Attest' }),
    );
    expect(
      within(dialog).getByText('Enter an http(s) URL, or leave it empty.'),
    ).toBeVisible();
    expect(body).toBeUndefined();

    const link = within(dialog).getByLabelText('Link (optional)');
    await userEvent.clear(link);
    await fill(link, ATTESTATION.link!);
    const days = within(dialog).getByLabelText(/^Valid for \(days\)/);
    await userEvent.clear(days);
    await userEvent.type(days, '90');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Attest' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(body).toEqual({
      entityRef: 'component:default/x',
      checkId: 'operations.on-call',
      note: 'drill on 2026-01-02',
      link: ATTESTATION.link,
      expiresInDays: 90,
    });
    // the report is read again and shows who attested
    await waitFor(() => expect(reads.reads()).toBe(2));
    const row = screen.getByTestId('mesh-check-operations.on-call');
    await waitFor(() => expect(within(row).getByText('pass')).toBeVisible());
    // the row the user acted on stays open
    expect(
      within(row).getByRole('button', {
        name: 'Hide details of On-call trained on proxy debugging',
      }),
    ).toHaveAttribute('aria-expanded', 'true');
    const note = await screen.findByTestId(
      'mesh-check-attestation-operations.on-call',
    );
    expect(note).toHaveTextContent(
      'Attested by user:default/ana on 2026-01-02: drill on 2026-01-02 (valid until 2099-07-01).',
    );
    expect(
      within(note).getByRole('link', { name: 'Open the record' }),
    ).toHaveAttribute('rel', 'noopener noreferrer');
    // and on the checklist line
    expect(
      screen.getByTestId('mesh-coverage-attestation-on-call'),
    ).toHaveTextContent(
      'Attested by user:default/ana on 2026-01-02: drill on 2026-01-02',
    );
  });

  it("shows the backend's message when attesting fails, and keeps the form", async () => {
    const reads = serveReports(server, withOnCall());
    server.use(
      http.post(`${BASE}/v1/attestations`, () =>
        errorBody(
          403,
          'NotAllowedError',
          'You may not attest checks of component:default/x',
        ),
      ),
    );
    await renderTab();

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Attest On-call trained on proxy debugging',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Note/), 'trained');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Attest' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'You may not attest checks of component:default/x',
    );
    expect(within(dialog).getByLabelText(/^Note/)).toHaveValue('trained');
    expect(reads.reads()).toBe(1);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('waives with a reason and an end day, refusing a past day', async () => {
    const reads = serveReports(server, makeReport());
    let body: unknown;
    server.use(
      http.post(`${BASE}/v1/waivers`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(WAIVER, { status: 201 });
      }),
    );
    await renderTab();

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Waive mTLS on and traffic encrypted',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Waive: mTLS on and traffic encrypted',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive' }),
    );
    expect(
      within(dialog).getByText('Say why this check does not apply.'),
    ).toBeVisible();

    await fill(within(dialog).getByLabelText(/^Reason/), WAIVER.reason);
    const until = within(dialog).getByLabelText('Until (optional)');
    await userEvent.type(until, '2001-01-01');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive' }),
    );
    expect(
      within(dialog).getByText('The day must not be in the past.'),
    ).toBeVisible();
    expect(body).toBeUndefined();

    await userEvent.clear(until);
    await userEvent.type(until, '2099-01-01');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(body).toEqual({
      entityRef: 'component:default/x',
      checkId: 'security.mtls',
      reason: WAIVER.reason,
      until: '2099-01-01',
    });
    await waitFor(() => expect(reads.reads()).toBe(2));
  });

  it("shows the backend's message when waiving fails", async () => {
    serveReports(server, makeReport());
    server.use(
      http.post(`${BASE}/v1/waivers`, () =>
        errorBody(
          400,
          'InputError',
          "Invalid waiver: checkId 'security.mtls' is not waivable here",
        ),
      ),
    );
    await renderTab();

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Waive mTLS on and traffic encrypted',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/^Reason/), 'legacy');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Waive' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "Invalid waiver: checkId 'security.mtls' is not waivable here",
    );
  });

  it('shows who waived through the API, when, why and until when', async () => {
    serveReports(
      server,
      makeReport({
        checks: [
          {
            ...makeReport().checks[1],
            status: 'waived',
            summary:
              'Waived until 2099-01-01: plain text from the legacy batch until Q3.',
            evidence: {
              plaintextShare: 0.3,
              waived: {
                status: 'fail',
                reason: WAIVER.reason,
                until: '2099-01-01',
                by: 'user:default/ana',
                at: '2026-01-02T10:00:00Z',
                origin: 'api',
              },
            },
          },
        ],
      }),
    );
    await renderTab();

    const row = await screen.findByTestId('mesh-check-security.mtls');
    await userEvent.click(
      within(row).getByRole('button', { name: /^Show details of / }),
    );
    expect(
      await screen.findByTestId('mesh-check-waiver-security.mtls'),
    ).toHaveTextContent(
      'Waived by user:default/ana on 2026-01-02, until 2099-01-01: plain text from the legacy batch until Q3. Without the waiver the check is fail. Withdraw it under "Attestations and waivers".',
    );
    // the rest of the evidence, without the waiver repeated
    const evidence = screen.getByTestId('mesh-check-evidence-security.mtls');
    expect(JSON.parse(evidence.textContent!)).toEqual({ plaintextShare: 0.3 });
    // a waived check cannot be waived again
    expect(
      screen.queryByRole('button', {
        name: 'Waive mTLS on and traffic encrypted',
      }),
    ).not.toBeInTheDocument();
  });
});

describe('Attestations and waivers card', () => {
  it('says when there are none', async () => {
    serveReports(server, makeReport());
    await renderTab();
    expect(await screen.findByTestId('mesh-decisions-empty')).toHaveTextContent(
      'No attestations or waivers apply to this entity. Open a check above to attest or waive it.',
    );
  });

  it('lists them, and withdraws a waiver after confirmation, then reloads', async () => {
    const reads = serveReports(server, makeReport());
    const ended = { ...WAIVER, id: 'w-ended', until: '2001-01-01' };
    let waivers = [WAIVER, ended];
    let deleted: string | undefined;
    server.use(
      http.get(`${BASE}/v1/attestations`, () =>
        HttpResponse.json({
          entityRef: 'component:default/x',
          attestations: [
            ATTESTATION,
            {
              ...ATTESTATION,
              id: 'a2',
              entityRef: 'group:default/team-a',
              link: SCRIPT_URL,
            },
            // declared in app-config (not a UUID), lapsed
            {
              ...ATTESTATION,
              id: 'config-3',
              link: undefined,
              expiresAt: '2026-04-05T00:00:00Z',
            },
          ],
        }),
      ),
      http.get(`${BASE}/v1/waivers`, () =>
        HttpResponse.json({ entityRef: 'component:default/x', waivers }),
      ),
      http.delete(`${BASE}/v1/waivers/:id`, ({ params }) => {
        deleted = String(params.id);
        waivers = [ended];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await renderTab();

    const own = await screen.findByTestId(`mesh-attestation-${ATTESTATION.id}`);
    expect(own).toHaveTextContent(
      'Attested: On-call trained on proxy debugging',
    );
    expect(own).toHaveTextContent(
      'user:default/ana on 2026-01-02: drill on 2026-01-02 · valid until 2099-07-01',
    );
    expect(within(own).getByRole('link', { name: 'record' })).toHaveAttribute(
      'href',
      ATTESTATION.link,
    );
    // the group's attestation applies, but is withdrawn on the group, not here; its
    // javascript: link is not a link
    const group = screen.getByTestId('mesh-attestation-a2');
    expect(group).toHaveTextContent('made for group:default/team-a');
    expect(within(group).queryByRole('link')).not.toBeInTheDocument();
    expect(within(group).queryByRole('button')).not.toBeInTheDocument();

    const declared = screen.getByTestId('mesh-attestation-config-3');
    expect(declared).toHaveTextContent(
      'drill on 2026-01-02 · expired on 2026-04-05 · declared in app-config',
    );
    expect(within(declared).queryByRole('button')).not.toBeInTheDocument();
    // only the one made through the API for this entity may be withdrawn here
    expect(
      screen.getAllByRole('button', { name: /^Withdraw the attestation/ }),
    ).toHaveLength(1);

    const waiver = screen.getByTestId(`mesh-waiver-${WAIVER.id}`);
    expect(waiver).toHaveTextContent(
      'Waived: mTLS enforced and traffic encrypted',
    );
    expect(waiver).toHaveTextContent(
      'user:default/ana on 2026-01-02: plain text from the legacy batch until Q3 · until 2099-01-01',
    );
    expect(screen.getByTestId('mesh-waiver-w-ended')).toHaveTextContent(
      'plain text from the legacy batch until Q3 · ended on 2001-01-01',
    );
    await userEvent.click(
      within(waiver).getByRole('button', {
        name: 'Withdraw the waiver of mTLS enforced and traffic encrypted',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Withdraw the waiver of mTLS enforced and traffic encrypted?',
    });
    expect(deleted).toBeUndefined();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Withdraw' }),
    );

    await waitFor(() =>
      expect(
        screen.queryByTestId(`mesh-waiver-${WAIVER.id}`),
      ).not.toBeInTheDocument(),
    );
    expect(deleted).toBe(WAIVER.id);
    expect(reads.reads()).toBe(2);
  });

  it("shows the backend's message when withdrawing fails", async () => {
    serveReports(server, makeReport());
    server.use(
      http.get(`${BASE}/v1/waivers`, () =>
        HttpResponse.json({
          entityRef: 'component:default/x',
          waivers: [WAIVER],
        }),
      ),
      http.delete(`${BASE}/v1/waivers/:id`, () =>
        errorBody(
          403,
          'NotAllowedError',
          'Only the platform team withdraws waivers',
        ),
      ),
    );
    await renderTab();

    await userEvent.click(
      await screen.findByRole('button', { name: /^Withdraw the waiver of / }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Withdraw' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Only the platform team withdraws waivers',
    );
  });

  it('shows a list that failed to load with its own retry', async () => {
    serveReports(server, makeReport());
    let calls = 0;
    server.use(
      http.get(`${BASE}/v1/waivers`, () => {
        calls += 1;
        return calls === 1
          ? errorBody(404, 'NotFoundError', 'Not Found')
          : HttpResponse.json({
              entityRef: 'component:default/x',
              waivers: [WAIVER],
            });
      }),
    );
    await renderTab();

    const error = await screen.findByTestId('mesh-decisions-error-waivers');
    expect(error).toHaveTextContent(
      'The waivers could not be loaded: Not Found',
    );
    // the checks and their actions do not depend on the list
    expect(
      screen.getByRole('button', {
        name: 'Waive mTLS on and traffic encrypted',
      }),
    ).toBeVisible();
    await userEvent.click(
      within(error).getByRole('button', { name: 'Retry waivers' }),
    );
    expect(await screen.findByTestId(`mesh-waiver-${WAIVER.id}`)).toBeVisible();
  });
});
