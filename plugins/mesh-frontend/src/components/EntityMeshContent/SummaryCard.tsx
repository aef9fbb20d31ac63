import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { InfoCard } from '@backstage/core-components';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import {
  formatDataPlane,
  formatProvider,
  formatRelative,
  meshedPods,
} from './format';
import { ReadinessLevelChip } from './StatusChip';

function Field(props: { label: string; children: ReactNode }) {
  return (
    <Grid item xs={6} md={2}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body1" component="div">
        {props.children}
      </Typography>
    </Grid>
  );
}

export function RefreshButton(props: {
  onRefresh: () => void;
  refreshing: boolean;
}) {
  return (
    <Tooltip title="Collect a fresh report for this entity now">
      <span>
        <IconButton
          aria-label="Refresh"
          data-testid="mesh-refresh"
          onClick={props.onRefresh}
          disabled={props.refreshing}
        >
          <RefreshIcon />
        </IconButton>
      </span>
    </Tooltip>
  );
}

/** Provider, data plane, enrolment, readiness and age of the report. */
export function SummaryCard(props: { report: MeshReport; action?: ReactNode }) {
  const { report } = props;
  const { pods, meshed } = meshedPods(report);
  const { readiness } = report;
  return (
    <InfoCard title="Service mesh" action={props.action}>
      <Grid container spacing={2} alignItems="flex-start">
        <Field label="Provider">
          <span data-testid="mesh-provider">
            {formatProvider(report.mesh.provider)}
          </span>
        </Field>
        <Field label="Data plane">
          <span data-testid="mesh-data-plane">
            {formatDataPlane(report.mesh.dataPlane)}
          </span>
        </Field>
        <Field label="Enrolment">
          <span data-testid="mesh-meshed-pods">
            {meshed} / {pods} pods meshed
          </span>
        </Field>
        <Field label="Readiness">
          <span data-testid="mesh-readiness-score">{readiness.score}</span>
          {' / 100 '}
          <ReadinessLevelChip level={readiness.level} />
          <Typography variant="caption" color="textSecondary" component="div">
            {readiness.passed} of {readiness.applicable} applicable checks pass
          </Typography>
        </Field>
        <Field label="Collected">
          <span title={report.generatedAt} data-testid="mesh-generated-at">
            {formatRelative(report.generatedAt)}
          </span>
        </Field>
      </Grid>
    </InfoCard>
  );
}
