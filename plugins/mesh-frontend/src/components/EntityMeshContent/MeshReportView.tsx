import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import { WarningPanel } from '@backstage/core-components';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import { MeshActions } from './actions';
import { ChecklistCoverage } from './ChecklistCoverage';
import { ChecksTable } from './ChecksTable';
import { DebugPanel } from './DebugPanel';
import { DecisionsCard } from './DecisionsCard';
import { formatRelative } from './format';
import { HealthCard, HistoryState } from './HealthCard';
import { HowToMeshCard } from './HowToMeshCard';
import { LinksCard } from './LinksCard';
import { SourcesList } from './SourcesList';
import { SummaryCard } from './SummaryCard';
import { UnmappedPanel } from './UnmappedPanel';
import { WorkloadsTable } from './WorkloadsTable';

const useStyles = makeStyles(theme => ({
  stack: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(3),
    minWidth: 0,
  },
}));

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

/** Annotations the backend could not honour (e.g. a waiver without a reason). */
function ProblemsPanel(props: { report: MeshReport }) {
  const problems = props.report.problems ?? [];
  return (
    <WarningPanel
      severity="warning"
      title="Annotations not applied"
      defaultExpanded
      message={
        // The panel puts its message in a paragraph, where a list may not go.
        <span data-testid="mesh-problems">
          {problems.map(p => (
            <span
              key={`${p.annotation}: ${p.message}`}
              style={{ display: 'block' }}
            >
              <code>{p.annotation}</code>: {p.message}
            </span>
          ))}
        </span>
      }
    />
  );
}

/**
 * A loaded report: summary, stale banner, golden signals with their history, the
 * checklist, links out and the how-to, the checks by section with their actions, the
 * attestations and waivers, the debug panel, workloads and sources.
 */
export function MeshReportView(props: {
  report: MeshReport;
  headerAction?: ReactNode;
  /** The entity's ref as the catalog writes it; the report's own by default. */
  entityRef?: string;
  history?: HistoryState;
  latencyBudgetMs?: number;
  /** Without it, no Attest, Waive or Withdraw action is offered. */
  actions?: MeshActions;
  /** Bumped whenever the report is read again. */
  generation?: number;
  /** After an attestation or a waiver changed: read the report again. */
  onChanged?: () => void;
}) {
  const classes = useStyles();
  const { report, headerAction } = props;
  const entityRef = props.entityRef ?? report.entityRef;
  const actions = props.actions ?? { canAttest: false, canWaive: false };
  const onChanged = props.onChanged ?? (() => {});
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
      {(report.problems?.length ?? 0) > 0 && (
        <Grid item xs={12}>
          <ProblemsPanel report={report} />
        </Grid>
      )}
      {isUnmapped(report) ? (
        <Grid item xs={12}>
          <UnmappedPanel report={report} />
        </Grid>
      ) : (
        <>
          <Grid item xs={12}>
            <HealthCard
              health={report.health}
              history={props.history}
              latencyBudgetMs={props.latencyBudgetMs}
            />
          </Grid>
          <Grid item xs={12} lg={7}>
            <ChecklistCoverage checks={report.checks} />
          </Grid>
          <Grid item xs={12} lg={5}>
            {/* One column of cards; a nested Grid container would wrap, and a wrapped
                flex line takes the width of its widest command, past the page. */}
            <div className={classes.stack}>
              <LinksCard links={report.links} />
              <HowToMeshCard report={report} entityRef={entityRef} />
            </div>
          </Grid>
          <Grid item xs={12}>
            <ChecksTable
              checks={report.checks}
              entityRef={entityRef}
              actions={actions}
              onChanged={onChanged}
            />
          </Grid>
          <Grid item xs={12}>
            <DecisionsCard
              entityRef={entityRef}
              actions={actions}
              generation={props.generation ?? 0}
              onChanged={onChanged}
            />
          </Grid>
          <Grid item xs={12}>
            <DebugPanel report={report} />
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
