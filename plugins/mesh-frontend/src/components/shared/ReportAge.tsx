import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { orange } from '@material-ui/core/colors';
import { formatRelative } from '../EntityMeshContent/format';

const useStyles = makeStyles(theme => ({
  staleChip: {
    marginLeft: theme.spacing(1),
    backgroundColor: orange[800],
    color: '#fff',
    fontWeight: 600,
  },
}));

/**
 * A row's report age ("3 minutes ago", the exact time on hover) and, when the report
 * is stale, the stale chip: the same in every table of reports.
 */
export function ReportAge(props: {
  generatedAt: string;
  stale: boolean;
  staleTestId: string;
}) {
  const classes = useStyles();
  return (
    <>
      <Tooltip title={props.generatedAt}>
        <span>{formatRelative(props.generatedAt)}</span>
      </Tooltip>
      {props.stale && (
        <Chip
          size="small"
          label="stale"
          className={classes.staleChip}
          data-testid={props.staleTestId}
        />
      )}
    </>
  );
}
