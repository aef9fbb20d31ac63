import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { green, grey, orange, red } from '@material-ui/core/colors';
import { CheckStatus } from '@mesh-readiness/plugin-mesh-common';

export const CELL_SIZE = 12;

const useStyles = makeStyles({
  strip: {
    display: 'flex',
    flexWrap: 'nowrap',
    gap: 2,
  },
  cell: {
    display: 'inline-block',
    flex: 'none',
    width: CELL_SIZE,
    height: CELL_SIZE,
    borderRadius: 2,
    boxSizing: 'border-box',
  },
  pass: { backgroundColor: green[600] },
  warn: { backgroundColor: orange[700] },
  fail: { backgroundColor: red[700] },
  unknown: { backgroundColor: grey[500] },
  'not-applicable': {
    backgroundColor: grey[100],
    border: `1px solid ${grey[300]}`,
  },
  // Waived is never shown as passed: a hatched cell with an outline.
  waived: {
    backgroundImage: `repeating-linear-gradient(45deg, ${grey[700]} 0 2px, #fff 2px 4px)`,
    border: `1px solid ${grey[700]}`,
  },
  missing: { border: `1px dashed ${grey[400]}` },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: 12,
  },
  legendItem: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: 4,
    whiteSpace: 'nowrap',
  },
});

export const HEAT_STATUSES: CheckStatus[] = [
  'pass',
  'warn',
  'fail',
  'unknown',
  'not-applicable',
  'waived',
];

/**
 * One small coloured cell per check id, in the given order, each with a tooltip (and an
 * accessible name) naming the check and its status.
 */
export function CheckHeatMap(props: {
  checkIds: string[];
  titles: Record<string, string>;
  statuses: Record<string, CheckStatus | undefined>;
  entityTitle: string;
}) {
  const classes = useStyles();
  return (
    <div
      className={classes.strip}
      role="list"
      aria-label={`Checks of ${props.entityTitle}`}
      data-testid="mesh-heatmap"
    >
      {props.checkIds.map(id => {
        const status = props.statuses[id];
        const label = `${props.titles[id] ?? id}: ${status ?? 'not reported'}`;
        return (
          <Tooltip key={id} title={label} placement="top">
            <span
              role="listitem"
              aria-label={label}
              data-status={status ?? 'missing'}
              className={`${classes.cell} ${classes[status ?? 'missing']}`}
            />
          </Tooltip>
        );
      })}
    </div>
  );
}

/** The key to the heat map's colours. */
export function HeatMapLegend() {
  const classes = useStyles();
  return (
    <div className={classes.legend} aria-label="Heat map legend" role="list">
      {HEAT_STATUSES.map(status => (
        <span key={status} className={classes.legendItem} role="listitem">
          <span aria-hidden className={`${classes.cell} ${classes[status]}`} />
          <Typography variant="caption">{status}</Typography>
        </span>
      ))}
    </div>
  );
}
