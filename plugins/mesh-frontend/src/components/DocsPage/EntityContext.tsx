import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import {
  MeshReport,
  WorkloadSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { GuideTarget } from '../../docs/placeholders';

const useStyles = makeStyles(theme => ({
  select: { minWidth: 360, maxWidth: '100%' },
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
  code: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
}));

export function workloadLabel(w: WorkloadSummary): string {
  return `${w.cluster} / ${w.namespace} / ${w.kind} / ${w.name}`;
}

/** What the page knows about the entity it was opened for. */
export type EntityContextState =
  | { kind: 'none' }
  | { kind: 'invalid'; value: string }
  | { kind: 'loading'; entityRef: string }
  | { kind: 'error'; entityRef: string; error: Error; retry: () => void }
  | { kind: 'no-report'; entityRef: string }
  | { kind: 'report'; entityRef: string; report: MeshReport };

function FilledFor(props: { target: GuideTarget; workload?: WorkloadSummary }) {
  const classes = useStyles();
  const { target, workload } = props;
  const parts: [string, string | undefined][] = [
    ['namespace', target.namespace],
    ['workload', target.workload],
    ['kind', target.kind],
  ];
  const invalid =
    workload && (!target.namespace || !target.workload || !target.kind);
  return (
    <Box mt={2} data-testid="mesh-docs-filled">
      <Typography variant="body2">
        Commands below are filled in for{' '}
        {parts.map(([key, value], i) => (
          <span key={key}>
            {i > 0 && ', '}
            {key} <span className={classes.code}>{value ?? `{${key}}`}</span>
          </span>
        ))}
        {workload && (
          <>
            {' '}
            in cluster <span className={classes.code}>{workload.cluster}</span>
          </>
        )}
        .
      </Typography>
      {invalid && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="mesh-docs-invalid-names"
        >
          Names that are not valid Kubernetes names, and kinds other than
          Deployment, StatefulSet and DaemonSet, are left as placeholders.
        </Typography>
      )}
    </Box>
  );
}

/**
 * The entity the page was opened for: loading, error, no report, stale, and a picker of
 * its workloads whose names fill the commands.
 */
export function EntityContext(props: {
  state: EntityContextState;
  workloadIndex: number;
  onWorkloadChange: (index: number) => void;
  target: GuideTarget;
}) {
  const classes = useStyles();
  const { state, workloadIndex, onWorkloadChange, target } = props;

  if (state.kind === 'none') {
    return (
      <InfoCard title="Your workload">
        <Typography variant="body2" data-testid="mesh-docs-no-entity">
          Commands show placeholders such as{' '}
          <span className={classes.code}>{'{namespace}'}</span> and{' '}
          <span className={classes.code}>{'{workload}'}</span>. Open this page
          from an entity's Mesh tab ("How to mesh / unmesh this workload") to
          have them filled in with its namespaces and workloads.
        </Typography>
      </InfoCard>
    );
  }
  if (state.kind === 'invalid') {
    return (
      <WarningPanel
        severity="warning"
        title="Not an entity reference"
        message={`"${state.value}" is not a valid entity reference (e.g. component:default/checkout). Commands show placeholders.`}
      />
    );
  }
  if (state.kind === 'loading') {
    return (
      <InfoCard title={`Workloads of ${state.entityRef}`}>
        <Box data-testid="mesh-docs-loading" minHeight={8}>
          <Progress />
        </Box>
      </InfoCard>
    );
  }
  if (state.kind === 'error') {
    return (
      <Box>
        <ResponseErrorPanel error={state.error} defaultExpanded />
        <Box mt={1} display="flex" alignItems="center" style={{ gap: 8 }}>
          <Button variant="contained" color="primary" onClick={state.retry}>
            Retry
          </Button>
          <Typography variant="body2" color="textSecondary">
            Until then, commands show placeholders.
          </Typography>
        </Box>
      </Box>
    );
  }
  if (state.kind === 'no-report') {
    return (
      <InfoCard title={`Workloads of ${state.entityRef}`}>
        <Typography variant="body2" data-testid="mesh-docs-no-report">
          No mesh report has been collected for this entity yet, so its
          workloads are not known. Commands show placeholders; collect a report
          from the entity's Mesh tab to fill them in.
        </Typography>
      </InfoCard>
    );
  }

  const { report, entityRef } = state;
  const workloads = report.workloads;
  const namespaces = [...new Set(workloads.map(w => w.namespace))];
  const selected = workloads[workloadIndex];
  return (
    <InfoCard title={`Workloads of ${entityRef}`}>
      {report.stale && (
        <Box mb={2}>
          <WarningPanel
            severity="warning"
            title="This report is stale"
            message={
              <span data-testid="mesh-docs-stale">
                {report.staleReason ||
                  'A data source failed in the last collection.'}{' '}
                The workloads below may have changed since.
              </span>
            }
          />
        </Box>
      )}
      {workloads.length === 0 ? (
        <Typography variant="body2" data-testid="mesh-docs-no-workloads">
          No workload matched this entity's annotations, so commands show
          placeholders. Check its <code>backstage.io/kubernetes-id</code> or{' '}
          <code>backstage.io/kubernetes-label-selector</code> annotation.
        </Typography>
      ) : (
        <>
          <Box className={classes.chips} mb={2} aria-label="Namespaces">
            <Typography variant="body2" component="span">
              Namespaces:
            </Typography>
            {namespaces.map(ns => (
              <Chip key={ns} size="small" label={ns} />
            ))}
          </Box>
          <TextField
            select
            id="mesh-docs-workload"
            label="Workload"
            variant="outlined"
            size="small"
            className={classes.select}
            value={String(workloadIndex)}
            onChange={e => onWorkloadChange(Number(e.target.value))}
          >
            {workloads.map((w, i) => (
              <MenuItem key={workloadLabel(w)} value={String(i)}>
                {workloadLabel(w)}
              </MenuItem>
            ))}
          </TextField>
          <FilledFor target={target} workload={selected} />
        </>
      )}
      <Box mt={2}>
        <Link to={`/catalog/${entityRefPath(entityRef)}/mesh`}>
          Back to the entity's Mesh tab
        </Link>
      </Box>
    </InfoCard>
  );
}

/** `component:default/x` → `default/component/x`, the catalog page's path. */
function entityRefPath(entityRef: string): string {
  const m = /^([^:]+):([^/]+)\/(.+)$/.exec(entityRef);
  if (!m) return '';
  return [m[2], m[1], m[3]].map(encodeURIComponent).join('/');
}
