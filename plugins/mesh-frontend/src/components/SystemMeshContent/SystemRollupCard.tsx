import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { ScorecardRollup } from '@mesh-readiness/plugin-mesh-common';
import { LevelCounts } from './LevelCounts';
import { levelCounts } from './rows';

const useStyles = makeStyles(theme => ({
  value: { fontWeight: 700, lineHeight: 1.2 },
  bar: { height: 6, borderRadius: 3, marginTop: theme.spacing(0.5) },
}));

function Figure(props: {
  label: string;
  testId: string;
  value: ReactNode;
  detail: ReactNode;
  children?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <Grid item xs={12} sm={4}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography
        variant="h5"
        component="div"
        className={classes.value}
        data-testid={props.testId}
      >
        {props.value}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.detail}
      </Typography>
      {props.children}
    </Grid>
  );
}

function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((100 * part) / whole) : 0;
}

/** The system's roll-up: average score, share production-ready, meshed workloads. */
export function SystemRollupCard(props: { rollup: ScorecardRollup }) {
  const classes = useStyles();
  const { rollup } = props;
  const counts = levelCounts(rollup);
  const ready = counts.find(c => c.level === 'production-ready')?.count ?? 0;
  const { meshedWorkloads, workloads } = rollup.rollout;
  const meshedShare = percent(meshedWorkloads, workloads);
  return (
    <InfoCard
      title="System readiness"
      subheader={`${rollup.entities} ${
        rollup.entities === 1 ? 'component' : 'components'
      } with a mesh report`}
      variant="gridItem"
    >
      <Grid container spacing={2}>
        <Figure
          label="Average score"
          testId="mesh-system-average"
          value={rollup.averageScore.toFixed(1)}
          detail="out of 100"
        />
        <Figure
          label="Production-ready"
          testId="mesh-system-ready-share"
          value={`${percent(ready, rollup.entities)}%`}
          detail={`${ready} of ${rollup.entities}`}
        />
        <Figure
          label="Meshed workloads"
          testId="mesh-system-meshed"
          value={`${meshedWorkloads} / ${workloads}`}
          detail={`${meshedShare}% of workloads have every pod in the mesh`}
        >
          <LinearProgress
            variant="determinate"
            value={meshedShare}
            className={classes.bar}
            aria-label={`${meshedWorkloads} of ${workloads} workloads meshed`}
          />
        </Figure>
      </Grid>
      <Box mt={2}>
        <LevelCounts
          rollup={rollup}
          label="Components per level"
          testIdPrefix="mesh-system-level"
        />
      </Box>
    </InfoCard>
  );
}
