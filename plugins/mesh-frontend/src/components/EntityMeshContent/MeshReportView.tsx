import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import { WarningPanel } from '@backstage/core-components';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { ChecksTable } from './ChecksTable';
import { formatRelative } from './format';
import { HealthCard } from './HealthCard';
import { SourcesList } from './SourcesList';
import { SummaryCard } from './SummaryCard';
import { UnmappedPanel } from './UnmappedPanel';
import { WorkloadsTable } from './WorkloadsTable';

/** The backend answers 200 for an entity without mapping annotations, flagged so. */
export function isUnmapped(report: MeshReport): boolean {
  return (
    report.mesh.provider === 'none' && report.readiness.level === 'unmapped'
  );
}

function StaleBanner(props: { report: MeshReport }) {
  const { staleReason, lastGoodAt } = props.report;
  return (
    <WarningPanel
      severity="warning"
      title="This report is stale"
      defaultExpanded
      message={
        <span data-testid="mesh-stale">
          {staleReason ||
            'A data source failed in the last collection; some figures come from an earlier run.'}
          {lastGoodAt && (
            <>
              {' '}
              Last complete collection:{' '}
              <span title={lastGoodAt}>{formatRelative(lastGoodAt)}</span> (
              {lastGoodAt}).
            </>
          )}
        </span>
      }
    />
  );
}

/** A loaded report: summary, stale banner, health, checks, workloads, sources. */
export function MeshReportView(props: {
  report: MeshReport;
  headerAction?: ReactNode;
}) {
  const { report, headerAction } = props;
  return (
    <Grid container spacing={3}>
      {report.stale && (
        <Grid item xs={12}>
          <StaleBanner report={report} />
        </Grid>
      )}
      <Grid item xs={12}>
        <SummaryCard report={report} action={headerAction} />
      </Grid>
      {isUnmapped(report) ? (
        <Grid item xs={12}>
          <UnmappedPanel report={report} />
        </Grid>
      ) : (
        <>
          <Grid item xs={12}>
            <HealthCard health={report.health} />
          </Grid>
          <Grid item xs={12}>
            <ChecksTable checks={report.checks} />
          </Grid>
          <Grid item xs={12} lg={8}>
            <WorkloadsTable workloads={report.workloads} />
          </Grid>
          <Grid item xs={12} lg={4}>
            <SourcesList sources={report.sources} />
          </Grid>
        </>
      )}
    </Grid>
  );
}
