import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Chip from '@material-ui/core/Chip';
import {
  Gauge,
  GaugePropsGetColor,
  InfoCard,
} from '@backstage/core-components';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import {
  dataPlaneBadge,
  formatDataPlane,
  formatProvider,
  formatRelative,
  meshedPods,
} from './format';
import { ReadinessLevelChip } from './StatusChip';
import { REFRESH_DENIED_REASON, RefreshAccess } from './refreshPermission';

/**
 * The gauge's colour by the level's thresholds (production-ready from 90, almost-ready
 * from 70), not the gauge's default thirds: a 65 is not "fine".
 */
const gaugeColor: GaugePropsGetColor = ({ palette, value }) => {
  if (value >= 90) return palette.status.ok;
  if (value >= 70) return palette.status.warning;
  return palette.status.error;
};

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

/**
 * Collects now. Disabled while the permission is being asked and, with the reason in
 * its tooltip, for a user who may not: a button that vanished would leave them guessing.
 */
export function RefreshButton(props: {
  onRefresh: () => void;
  refreshing: boolean;
  access: RefreshAccess;
}) {
  const denied = props.access === 'denied';
  return (
    <Tooltip
      title={
        denied
          ? REFRESH_DENIED_REASON
          : 'Collect a fresh report for this entity now'
      }
    >
      <span data-testid="mesh-refresh-tooltip">
        <IconButton
          aria-label="Refresh"
          data-testid="mesh-refresh"
          onClick={props.onRefresh}
          disabled={props.refreshing || props.access !== 'allowed'}
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
  const badge = dataPlaneBadge(report.mesh);
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
          {badge && (
            <div>
              <Chip
                size="small"
                variant="outlined"
                label={badge}
                data-testid="mesh-data-plane-badge"
              />
            </div>
          )}
        </Field>
        <Field label="Enrolment">
          <span data-testid="mesh-meshed-pods">
            {meshed} / {pods} pods meshed
          </span>
        </Field>
        <Field label="Readiness">
          <div
            style={{ width: 72 }}
            aria-hidden
            data-testid="mesh-readiness-gauge"
          >
            <Gauge
              value={readiness.score}
              fractional={false}
              unit=""
              size="small"
              getColor={gaugeColor}
            />
          </div>
          <span data-testid="mesh-readiness-score">{readiness.score}</span>
          {' / 100 '}
          <ReadinessLevelChip level={readiness.level} />
          <Typography variant="caption" color="textSecondary" component="div">
            {readiness.passed} of {readiness.applicable} applicable checks pass
          </Typography>
          {readiness.coverage && (
            <Typography
              variant="caption"
              color="textSecondary"
              component="div"
              data-testid="mesh-coverage"
            >
              {readiness.coverage.covered} of {readiness.coverage.total}{' '}
              checklist lines covered
            </Typography>
          )}
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
