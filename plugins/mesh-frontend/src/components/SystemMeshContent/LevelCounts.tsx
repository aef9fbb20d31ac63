import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ReadinessLevel,
  ScorecardRollup,
} from '@mesh-readiness/plugin-mesh-common';
import { ReadinessLevelChip } from '../EntityMeshContent/StatusChip';
import { levelCounts } from './rows';

const useStyles = makeStyles(theme => ({
  levels: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  level: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
}));

/** How many entities of a roll-up are at each level, as chips with their counts. */
export function LevelCounts(props: {
  rollup: Pick<ScorecardRollup, 'levels' | 'entities'>;
  label: string;
  testIdPrefix: string;
}) {
  const classes = useStyles();
  return (
    <ul className={classes.levels} aria-label={props.label}>
      {levelCounts(props.rollup).map(({ level, count }) => (
        <li
          key={level}
          className={classes.level}
          data-testid={`${props.testIdPrefix}-${level}`}
        >
          <ReadinessLevelChip level={level as ReadinessLevel} />
          <Typography variant="body2" component="span">
            {count}
          </Typography>
        </li>
      ))}
    </ul>
  );
}
