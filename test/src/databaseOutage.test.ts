/**
 * A database outage during a write: the write fails cleanly and is retried on the next
 * run. A real backend on its own PostgreSQL database, the demo manifests, and a second
 * (admin) connection that breaks the database under the backend and then repairs it.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { Knex } from 'knex';
import { createTestDatabase } from 'mesh-devtools/databases';
import path from 'node:path';
import request from 'supertest';
import { startMeshBackend, TestBackend } from './backend';
import { loadScenario, REPO_ROOT } from './scenario';

const demo = loadScenario(path.join(REPO_ROOT, 'demo'));
const AUTH = () => mockCredentials.user.header();

/** The store writes reports 200 to a statement; a run here writes more than that. */
const BATCH = 200;
const checkout = demo.entities.find(e => e.metadata.name === 'checkout')!;
const entities = [
  ...demo.entities,
  ...Array.from({ length: BATCH + 20 }, (_, i) => ({
    ...checkout,
    metadata: { ...checkout.metadata, name: `checkout-copy-${i}` },
  })),
];

/**
 * Makes upserts into `mesh_reports` fail once a first full batch was written, as a full
 * disk would. The counter is a sequence, outside any transaction: without one around the
 * batches, the first batch would stay written and the run would be half-stored. (An
 * upsert fires the insert trigger for every row, conflicting or not.)
 */
const BREAK_REPORTS = `
  CREATE SEQUENCE mesh_test_rows;
  CREATE FUNCTION mesh_test_disk_full() RETURNS trigger AS $$
  BEGIN
    IF nextval('mesh_test_rows') > ${BATCH} THEN
      RAISE EXCEPTION 'could not extend file: No space left on device'
        USING ERRCODE = 'disk_full';
    END IF;
    RETURN NEW;
  END $$ LANGUAGE plpgsql;
  CREATE TRIGGER mesh_test_outage BEFORE INSERT ON mesh_reports
    FOR EACH ROW EXECUTE FUNCTION mesh_test_disk_full();
`;
const REPAIR_REPORTS = `
  DROP TRIGGER mesh_test_outage ON mesh_reports;
  DROP FUNCTION mesh_test_disk_full();
  DROP SEQUENCE mesh_test_rows;
`;

interface ReportRow {
  entity_ref: string;
  generated_at: string;
  report: string;
}

describe('a database outage during a write (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: Knex;
  let backend: TestBackend;

  const refresh = () =>
    request(backend.server)
      .post('/api/mesh/v1/refresh')
      .set('Authorization', AUTH())
      .send({});
  const getReport = (name: string) =>
    request(backend.server)
      .get(`/api/mesh/v1/reports/component/default/${name}`)
      .set('Authorization', AUTH());
  const storedReports = async () =>
    (await admin<ReportRow>('mesh_reports').orderBy('entity_ref')).map(r => ({
      entityRef: r.entity_ref,
      generatedAt: (JSON.parse(r.report) as MeshReport).generatedAt,
    }));
  const storedSnapshotAt = async () =>
    (await admin('mesh_snapshots').where({ cluster: 'demo' }).first())
      ?.fetched_at;

  /** The answer of a refresh whose store step failed, in Backstage's error format. */
  function expectCleanStoreFailure(res: request.Response) {
    expect(res.status).toBe(503);
    expect(res.body.response).toEqual({ statusCode: 503 });
    expect(res.body.request).toEqual({
      method: 'POST',
      url: '/v1/refresh',
    });
    expect(res.body.error.name).toBe('ServiceUnavailableError');
    expect(res.body.error.message).toMatch(/storing .* failed/i);
    expect(res.body.error.message).toMatch(/next run retries/i);
    // No stack, and no SQL or database internals handed to the client.
    expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(res.text).not.toMatch(/insert into|mesh_reports|mesh_snapshots/i);
    expect(res.text).not.toMatch(/internal error occurred/i);
  }

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    admin = db.connect!();
    backend = await startMeshBackend({
      entities,
      knex: db.knex,
      mesh: {
        clusters: [
          {
            name: 'demo',
            kubernetes: { manifestsDir: demo.clusters[0].kubernetesDir },
          },
        ],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    await db?.dispose();
  });

  let firstRun: { entityRef: string; generatedAt: string }[] = [];
  let firstReport: MeshReport;

  it('stores the reports of a good run', async () => {
    const res = await refresh();
    expect(res.status).toBe(200);
    const report = await getReport('checkout');
    expect(report.status).toBe(200);
    expect(report.body.stale).toBe(false);
    firstReport = report.body;
    firstRun = await storedReports();
    expect(firstRun.length).toBeGreaterThan(BATCH);
  });

  it('answers 503 when the reports cannot be written, keeps serving the previous ones and writes none of the reports of the run', async () => {
    await admin.raw(BREAK_REPORTS);
    try {
      // A run started later than the first, so a report it wrote would show.
      await new Promise(r => setTimeout(r, 5));
      expectCleanStoreFailure(await refresh());
      const report = await getReport('checkout');
      expect(report.status).toBe(200);
      expect(report.body).toEqual(firstReport);
      // The whole run or nothing: the batch written before the failure was rolled back.
      expect(await storedReports()).toEqual(firstRun);
    } finally {
      await admin.raw(REPAIR_REPORTS);
    }
  });

  it('stores fresh reports on the next run once the database is back', async () => {
    const res = await refresh();
    expect(res.status).toBe(200);
    const report = await getReport('checkout');
    expect(report.status).toBe(200);
    expect(report.body.stale).toBe(false);
    expect(Date.parse(report.body.generatedAt)).toBeGreaterThan(
      Date.parse(firstReport.generatedAt),
    );
    const stored = await storedReports();
    expect(stored.map(r => r.entityRef)).toEqual(
      firstRun.map(r => r.entityRef),
    );
    for (const r of stored) {
      expect(r.generatedAt).toBe(report.body.generatedAt);
    }
    firstReport = report.body;
    firstRun = stored;
  });

  it('answers 503 when the snapshot cannot be written, and the next run stores it', async () => {
    const before = await storedSnapshotAt();
    expect(before).toBeDefined();
    await admin.raw('ALTER TABLE mesh_snapshots RENAME TO mesh_snapshots_away');
    try {
      await new Promise(r => setTimeout(r, 5));
      expectCleanStoreFailure(await refresh());
      const report = await getReport('checkout');
      expect(report.status).toBe(200);
      expect(report.body).toEqual(firstReport);
      expect(await storedReports()).toEqual(firstRun);
    } finally {
      await admin.raw(
        'ALTER TABLE mesh_snapshots_away RENAME TO mesh_snapshots',
      );
    }

    const res = await refresh();
    expect(res.status).toBe(200);
    const report = await getReport('checkout');
    expect(report.body.stale).toBe(false);
    expect(Date.parse(report.body.generatedAt)).toBeGreaterThan(
      Date.parse(firstReport.generatedAt),
    );
    expect(new Date(await storedSnapshotAt()).getTime()).toBeGreaterThan(
      new Date(before).getTime(),
    );
  });
});
