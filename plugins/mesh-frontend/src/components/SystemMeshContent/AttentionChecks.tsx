import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ScorecardRow } from '@mesh-readiness/plugin-mesh-common';
import { CheckStatusChip } from '../EntityMeshContent/StatusChip';
import { worstRowChecks } from './rows';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    '& + &': { marginTop: theme.spacing(0.5) },
  },
  // Wide enough for the widest status chip (`unknown`), so the titles line up.
  chip: { flexShrink: 0, minWidth: 76, textAlign: 'center' },
}));

/** A row's worst three checks, each with its status; a line of text when none. */
export function AttentionChecks(props: {
  row: Pick<ScorecardRow, 'checks' | 'entityRef'>;
}) {
  const classes = useStyles();
  const worst = worstRowChecks(props.row);
  if (worst.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing fails, warns or lacks data.
      </Typography>
    );
  }
  return (
    <ul
      className={classes.list}
      aria-label={`Checks that need attention on ${props.row.entityRef}`}
    >
      {worst.map(check => (
        <li
          key={check.id}
          className={classes.item}
          data-testid={`mesh-attention-${check.id}`}
        >
          <span className={classes.chip}>
            <CheckStatusChip status={check.status} />
          </span>
          <Typography variant="body2" component="span" title={check.id}>
            {check.title}
          </Typography>
        </li>
      ))}
    </ul>
  );
}
