import { useState } from 'react';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { InfoCard } from '@backstage/core-components';
import {
  MeshReport,
  WorkloadSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { isDns1123Subdomain } from '../../docs/placeholders';
import { CommandBlock } from './CommandBlock';
import {
  DEBUG_FLAVORS,
  DEBUG_TIP,
  DebugFlavorId,
  debugFlavorFor,
  fillDebugCommand,
  getDebugFlavor,
  unfilledPlaceholders,
} from './debugCommands';

const useStyles = makeStyles(theme => ({
  fields: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  workload: { minWidth: 320, maxWidth: '100%' },
  field: { minWidth: 220 },
}));

function workloadLabel(w: WorkloadSummary): string {
  return `${w.namespace} / ${w.kind} / ${w.name} (${w.cluster})`;
}

/**
 * The on-call debug panel: for a chosen workload and pod, the proxy commands that pay
 * off during an incident, for the entity's data plane, each with a copy button.
 */
export function DebugPanel(props: { report: MeshReport }) {
  const classes = useStyles();
  const { report } = props;
  const workloads = report.workloads;
  const [index, setIndex] = useState(0);
  const [pod, setPod] = useState('');
  const [waypoint, setWaypoint] = useState('waypoint');
  const workload = workloads[index] as WorkloadSummary | undefined;
  const detected = debugFlavorFor({
    provider: workload?.provider ?? report.mesh.provider,
    dataPlane: workload?.dataPlane ?? report.mesh.dataPlane,
  });
  const [chosen, setChosen] = useState<DebugFlavorId>();
  const flavor = getDebugFlavor(chosen ?? detected ?? 'istio-sidecar');

  if (!workload) {
    return (
      <InfoCard title="On-call debug panel">
        <Typography variant="body2" data-testid="mesh-debug-empty">
          No workload matched this entity, so there is no pod to debug.
        </Typography>
      </InfoCard>
    );
  }

  const podProblem =
    pod.trim() && !isDns1123Subdomain(pod.trim())
      ? 'Not a pod name: lower-case letters, digits, "-" and "." only.'
      : undefined;
  const target = {
    namespace: workload.namespace,
    workload: workload.name,
    kind: workload.kind,
    pod,
    waypoint,
  };
  const commands = flavor.commands.map(c => ({
    ...c,
    text: fillDebugCommand(c.template, target),
  }));
  const missing = [
    ...new Set(commands.flatMap(c => unfilledPlaceholders(c.text))),
  ];

  return (
    <InfoCard
      title="On-call debug panel"
      subheader="The proxy's view, for one pod: what to run during an incident"
    >
      <div data-testid="mesh-debug">
        <Alert severity="info" data-testid="mesh-debug-tip">
          <strong>Tip:</strong> {DEBUG_TIP}
        </Alert>
        <Box mt={2} className={classes.fields}>
          <TextField
            select
            id="mesh-debug-workload"
            label="Workload"
            variant="outlined"
            size="small"
            className={classes.workload}
            value={String(index)}
            onChange={e => {
              setIndex(Number(e.target.value));
              // A pod of one workload is not a pod of another.
              setPod('');
            }}
          >
            {workloads.map((w, i) => (
              <MenuItem
                key={`${w.cluster}/${w.namespace}/${w.kind}/${w.name}`}
                value={String(i)}
              >
                {workloadLabel(w)}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            id="mesh-debug-pod"
            label="Pod name"
            variant="outlined"
            size="small"
            className={classes.field}
            value={pod}
            onChange={e => setPod(e.target.value)}
            placeholder={`${workload.name}-…`}
            error={Boolean(podProblem)}
            helperText={
              podProblem ?? 'From the first command; fills <pod> below.'
            }
            inputProps={{ spellCheck: false, autoCapitalize: 'none' }}
          />
          <TextField
            select
            id="mesh-debug-flavor"
            label="Data plane"
            variant="outlined"
            size="small"
            className={classes.field}
            value={flavor.id}
            onChange={e => setChosen(e.target.value as DebugFlavorId)}
            helperText={
              detected
                ? `Detected: ${getDebugFlavor(detected).title}`
                : 'Not in a mesh: pick the one it will join'
            }
          >
            {DEBUG_FLAVORS.map(f => (
              <MenuItem key={f.id} value={f.id}>
                {f.title}
              </MenuItem>
            ))}
          </TextField>
          {flavor.id === 'istio-ambient' && (
            <TextField
              id="mesh-debug-waypoint"
              label="Waypoint"
              variant="outlined"
              size="small"
              className={classes.field}
              value={waypoint}
              onChange={e => setWaypoint(e.target.value)}
              helperText="Its name, from istioctl waypoint list"
              inputProps={{ spellCheck: false, autoCapitalize: 'none' }}
            />
          )}
        </Box>
        <Typography variant="body2" paragraph>
          {flavor.intro}
        </Typography>
        {missing.length > 0 && (
          <Typography
            variant="body2"
            color="textSecondary"
            paragraph
            data-testid="mesh-debug-missing"
          >
            Still to fill in: {missing.join(', ')}.
          </Typography>
        )}
        {commands.map(c => (
          <Box key={c.title} data-testid="mesh-debug-command">
            <Typography variant="subtitle2" component="h4">
              {c.title}
            </Typography>
            <Typography variant="caption" color="textSecondary" component="p">
              {c.why}
            </Typography>
            <CommandBlock text={c.text} label={c.title} />
          </Box>
        ))}
      </div>
    </InfoCard>
  );
}
