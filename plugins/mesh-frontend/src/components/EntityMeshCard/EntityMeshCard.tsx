import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  InfoCardVariants,
  Progress,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CheckResult,
  MeshReport,
  severityOf,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  formatDataPlane,
  formatProvider,
  formatRelative,
  meshedPods,
} from '../EntityMeshContent/format';
import { isUnmapped } from '../EntityMeshContent/MeshReportView';
import {
  CheckStatusChip,
  ReadinessLevelChip,
} from '../EntityMeshContent/StatusChip';
import { worstChecks } from './worstChecks';
import { CardError } from '../shared/CardError';

const useStyles = makeStyles(theme => ({
  nowrap: { whiteSpace: 'nowrap' },
  score: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  scoreValue: { fontWeight: 700, lineHeight: 1 },
  stale: { fontWeight: 600 },
  coverageBar: { height: 6, borderRadius: 3, marginTop: theme.spacing(0.5) },
  check: {
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    paddingLeft: 0,
    paddingRight: 0,
  },
  checkText: { minWidth: 0 },
  chip: { flexShrink: 0, minWidth: 64, textAlign: 'center' },
}));

/**
 * The path of the entity's Mesh tab: the plugin's route ref where the app binds it
 * (legacy `EntityMeshContent`, or the `/alpha` entity content), else the tab's
 * relative path `mesh`.
 */
export function useMeshTabLink(): string {
  let link: string | undefined;
  try {
    // Throws when the route ref is mounted nowhere the card can reach, or when the
    // entity page's params cannot be read from the current location. It calls all of
    // its own hooks before it throws, so the hook order stays the same every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    link = useRouteRef(rootRouteRef)?.();
  } catch {
    link = undefined;
  }
  return link ?? 'mesh';
}

function WorstCheck(props: { check: CheckResult }) {
  const { check } = props;
  const classes = useStyles();
  return (
    <ListItem
      className={classes.check}
      disableGutters
      data-testid={`mesh-card-check-${check.id}`}
    >
      <span className={classes.chip}>
        <CheckStatusChip status={check.status} />
      </span>
      <div className={classes.checkText}>
        <Typography variant="body2" component="div">
          {check.title}{' '}
          <Typography
            variant="caption"
            color="textSecondary"
            component="span"
            className={classes.nowrap}
          >
            ({severityOf(check)})
          </Typography>
        </Typography>
        <Typography variant="caption" color="textSecondary" component="div">
          {check.summary}
        </Typography>
      </div>
    </ListItem>
  );
}

function ReportSummary(props: { report: MeshReport }) {
  const { report } = props;
  const classes = useStyles();
  const { readiness } = report;
  const { pods, meshed } = meshedPods(report);
  const worst = worstChecks(report.checks);
  const coverage = readiness.coverage;
  const coveredPercent =
    coverage && coverage.total > 0
      ? Math.round((100 * coverage.covered) / coverage.total)
      : 0;
  return (
    <>
      <div className={classes.score}>
        <Typography
          variant="h4"
          component="span"
          className={classes.scoreValue}
          data-testid="mesh-card-score"
          aria-label={`Readiness score ${readiness.score} out of 100`}
        >
          {readiness.score}
        </Typography>
        <Typography variant="body2" color="textSecondary" component="span">
          / 100
        </Typography>
        <ReadinessLevelChip level={readiness.level} />
        {report.stale && (
          <Chip
            size="small"
            variant="outlined"
            label="stale"
            className={classes.stale}
            data-testid="mesh-card-stale-chip"
          />
        )}
      </div>
      {report.stale && (
        <Typography
          variant="caption"
          color="error"
          component="div"
          data-testid="mesh-card-stale"
        >
          Stale:{' '}
          {report.staleReason ||
            'a data source failed in the last collection; some figures come from an earlier run.'}
        </Typography>
      )}
      <Typography
        variant="caption"
        color="textSecondary"
        component="div"
        data-testid="mesh-card-enrolment"
      >
        {formatProvider(report.mesh.provider)} ·{' '}
        {formatDataPlane(report.mesh.dataPlane)} · {meshed} / {pods} pods meshed
        · collected{' '}
        <span title={report.generatedAt}>
          {formatRelative(report.generatedAt)}
        </span>
      </Typography>

      {coverage && (
        <Box mt={2} data-testid="mesh-card-coverage">
          <Typography variant="body2" component="div">
            Checklist coverage: {coverage.covered} of {coverage.total} lines
          </Typography>
          <LinearProgress
            variant="determinate"
            value={coveredPercent}
            className={classes.coverageBar}
            aria-label={`Checklist coverage ${coverage.covered} of ${coverage.total} lines`}
          />
        </Box>
      )}

      <Box mt={2}>
        <Typography variant="subtitle2" component="h3">
          Needs attention
        </Typography>
        {worst.length === 0 ? (
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="mesh-card-no-worst"
          >
            No check fails, warns or lacks data.
          </Typography>
        ) : (
          <List dense disablePadding aria-label="Checks that need attention">
            {worst.map(check => (
              <WorstCheck key={check.id} check={check} />
            ))}
          </List>
        )}
      </Box>
    </>
  );
}

/**
 * A compact card for an entity's overview page: readiness score and level, checklist
 * coverage, the three checks that most need attention, and a link to the Mesh tab.
 */
export function EntityMeshCard(props: { variant?: InfoCardVariants }) {
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  const entityRef = stringifyEntityRef(entity);
  const tabLink = useMeshTabLink();

  const {
    value: report,
    loading,
    error,
    retry,
  } = useAsyncRetry(
    () => meshApi.getReport(getCompoundEntityRef(entity)),
    // The entity object may be rebuilt on each catalog refresh; its ref is stable.
    [meshApi, entityRef],
  );

  let content;
  if (loading && !report) {
    content = <Progress />;
  } else if (error) {
    content = (
      <CardError
        what="the mesh report"
        error={error}
        onRetry={retry}
        testId="mesh-card-error"
      />
    );
  } else if (!report) {
    content = (
      <Typography variant="body2" data-testid="mesh-card-empty">
        No mesh report has been collected for this entity yet. Reports are
        collected on a schedule; the Mesh tab can collect one now.
      </Typography>
    );
  } else if (isUnmapped(report)) {
    content = (
      <Typography variant="body2" data-testid="mesh-card-unmapped">
        This entity is not mapped to any Kubernetes workload. Add the{' '}
        <code>backstage.io/kubernetes-id</code> or{' '}
        <code>backstage.io/kubernetes-label-selector</code> annotation to its
        catalog-info.yaml.
      </Typography>
    );
  } else {
    content = <ReportSummary report={report} />;
  }

  return (
    <InfoCard
      title="Service mesh readiness"
      variant={props.variant ?? 'gridItem'}
      deepLink={{ title: 'Open the Mesh tab', link: tabLink }}
    >
      <div data-testid="mesh-card">{content}</div>
    </InfoCard>
  );
}
