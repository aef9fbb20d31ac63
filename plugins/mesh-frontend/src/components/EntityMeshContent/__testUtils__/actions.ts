/** Fixtures of the Attest, Waive and Withdraw tests. */
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import {
  Attestation,
  CheckResult,
  MeshReport,
  Waiver,
} from '@mesh-readiness/plugin-mesh-common';
import { makeReport } from '../../../__fixtures__/reports';
import { REPORT_URL } from './meshTab';

export const ON_CALL_FAILING: CheckResult = {
  id: 'operations.on-call',
  title: 'On-call trained on proxy debugging',
  category: 'operations',
  status: 'fail',
  summary: 'No one has attested on-call training for this entity.',
  evidence: { attestation: null },
  remediation: 'Train the on-call, then attest it.',
};

export const ATTESTATION: Attestation = {
  id: '0b7c5e4e-7d1d-4b71-9f0e-1f2a3b4c5d6e',
  entityRef: 'component:default/x',
  checkId: 'operations.on-call',
  note: 'drill on 2026-01-02',
  link: 'https://wiki.example.com/drill',
  createdBy: 'user:default/ana',
  createdAt: '2026-01-02T10:00:00Z',
  expiresAt: '2099-07-01T10:00:00Z',
};

export const WAIVER: Waiver = {
  id: 'c6b1c1de-2f57-4a55-8d3e-0d1e2f3a4b5c',
  entityRef: 'component:default/x',
  checkId: 'security.mtls',
  reason: 'plain text from the legacy batch until Q3',
  until: '2099-01-01',
  createdBy: 'user:default/ana',
  createdAt: '2026-01-02T10:00:00Z',
};

/** Serves the reports in turn (the last one from then on); each read counted. */
export function serveReports(server: SetupServer, ...reports: MeshReport[]) {
  let reads = 0;
  server.use(
    http.get(REPORT_URL, () => {
      const report = reports[Math.min(reads, reports.length - 1)];
      reads += 1;
      return HttpResponse.json(report);
    }),
  );
  return { reads: () => reads };
}

/** The fixture report with a failing attestable check added. */
export const withOnCall = (check: CheckResult = ON_CALL_FAILING) =>
  makeReport({ checks: [...makeReport().checks, check] });
