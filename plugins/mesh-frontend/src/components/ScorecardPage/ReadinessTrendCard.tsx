import { ReactNode, useId, useMemo, useState } from 'react';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  blue,
  blueGrey,
  green,
  grey,
  orange,
  red,
} from '@material-ui/core/colors';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ScorecardRollupBy } from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import {
  DEFAULT_TREND_DAYS,
  TREND_DAYS,
  TrendDays,
  TrendRow,
  describeTrend,
  formatDay,
  toTrendRows,
  trendLevels,
} from './trend';

export const TREND_HEIGHT = 260;

/** The chip colours of the levels (StatusChip), so bars and chips read alike. */
const LEVEL_COLORS: Record<string, string> = {
  'production-ready': green[700],
  'almost-ready': orange[800],
  'not-ready': red[700],
  'not-meshed': grey[600],
  unmapped: grey[400],
};

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: 150 },
  figure: { margin: 0 },
  caption: { marginBottom: theme.spacing(1) },
  description: { marginTop: theme.spacing(1) },
  muted: { color: theme.palette.text.secondary },
  table: { overflowX: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** A roll-up whose trend is shown instead of the fleet's. */
export interface TrendRollup {
  by: ScorecardRollupBy;
  key: string;
  /** How the page names it, e.g. `team-a`. */
  label: string;
}

function TrendTable(props: { rows: TrendRow[]; levels: string[] }) {
  const classes = useStyles();
  return (
    <TableContainer className={classes.table}>
      <Table size="small" aria-label="Readiness trend by day">
        <TableHead>
          <TableRow>
            <TableCell className={classes.nowrap}>Day</TableCell>
            <TableCell className={classes.nowrap} align="right">
              Average score
            </TableCell>
            <TableCell className={classes.nowrap} align="right">
              Entities
            </TableCell>
            {props.levels.map(level => (
              <TableCell key={level} className={classes.nowrap} align="right">
                {level}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.rows.map(row => (
            <TableRow key={row.day}>
              <TableCell className={classes.nowrap}>{row.day}</TableCell>
              <TableCell align="right">{row.averageScore.toFixed(1)}</TableCell>
              <TableCell align="right">{row.entities}</TableCell>
              {props.levels.map(level => (
                <TableCell key={level} align="right">
                  {row.counts[level] ?? 0}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function TrendChart(props: {
  rows: TrendRow[];
  levels: string[];
  titleId: string;
  descriptionId: string;
}) {
  const { rows, levels } = props;
  // Flat keys: recharts reads `dataKey` paths, and level names hold dashes.
  const data = useMemo(
    () =>
      rows.map(row => ({
        day: row.day,
        averageScore: row.averageScore,
        ...Object.fromEntries(levels.map(l => [l, row.counts[l] ?? 0])),
      })),
    [rows, levels],
  );
  const order = [...levels, 'averageScore'];
  // A line needs two points: a lone day (or a short history) shows its dots.
  const dots = rows.length <= 31;
  return (
    <ResponsiveContainer width="100%" height={TREND_HEIGHT}>
      <ComposedChart
        data={data}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        aria-labelledby={props.titleId}
        aria-describedby={props.descriptionId}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="day" tickFormatter={formatDay} minTickGap={16} />
        <YAxis yAxisId="entities" allowDecimals={false} width={48} />
        <YAxis
          yAxisId="score"
          orientation="right"
          domain={[0, 100]}
          width={36}
        />
        <Tooltip
          labelFormatter={label => formatDay(String(label))}
          // The chart's own order (levels from the most ready, then the score), not A–Z.
          itemSorter={item => order.indexOf(String(item.dataKey))}
          formatter={(value, _name, item) =>
            item.dataKey === 'averageScore' ? Number(value).toFixed(1) : value
          }
        />
        <Legend itemSorter={item => order.indexOf(String(item.dataKey))} />
        {levels.map(level => (
          <Bar
            key={level}
            yAxisId="entities"
            dataKey={level}
            name={level}
            stackId="levels"
            fill={LEVEL_COLORS[level] ?? blueGrey[300]}
            maxBarSize={48}
            isAnimationActive={false}
          />
        ))}
        <Line
          yAxisId="score"
          dataKey="averageScore"
          name="average score"
          stroke={blue[800]}
          strokeWidth={2}
          dot={dots ? { r: 3 } : false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}

/**
 * The readiness trend from history: the average score and the entities at each level,
 * per day, for the whole fleet or for one roll-up (a group, system or domain). History
 * is recorded per collection day for the whole fleet, so the page's filters do not
 * apply to it.
 */
export function ReadinessTrendCard(props: {
  rollup?: TrendRollup;
  onShowFleet?: () => void;
}) {
  const classes = useStyles();
  const meshApi = useApi(meshApiRef);
  const { rollup, onShowFleet } = props;
  const [days, setDays] = useState<TrendDays>(DEFAULT_TREND_DAYS);
  const [asTable, setAsTable] = useState(false);
  const periodId = useId();
  const titleId = useId();
  const descriptionId = useId();
  const { value, loading, error } = useAsync(
    () =>
      rollup
        ? meshApi.getRollupHistory(rollup.by, rollup.key, days)
        : meshApi.getFleetHistory(days),
    [meshApi, days, rollup?.by, rollup?.key],
  );
  const rows = useMemo(() => toTrendRows(value?.points ?? []), [value]);
  const levels = useMemo(() => trendLevels(rows), [rows]);
  const scope = rollup ? `${rollup.by} ${rollup.label}` : 'the whole fleet';

  let body: ReactNode;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (rows.length === 0) {
    body = (
      <Typography className={classes.muted} data-testid="mesh-trend-empty">
        No history for {scope} in the last {days} days: history starts after the
        first collection, with one point a day.
      </Typography>
    );
  } else {
    body = (
      <figure className={classes.figure} data-testid="mesh-trend">
        <Typography
          id={titleId}
          component="figcaption"
          variant="subtitle2"
          className={classes.caption}
        >
          Readiness of {scope}, last {days} days: entities per level (bars, left
          scale) and the average score (line, right scale)
        </Typography>
        {asTable ? (
          <TrendTable rows={rows} levels={levels} />
        ) : (
          <TrendChart
            rows={rows}
            levels={levels}
            titleId={titleId}
            descriptionId={descriptionId}
          />
        )}
        <Typography
          id={descriptionId}
          variant="body2"
          className={`${classes.muted} ${classes.description}`}
        >
          {describeTrend(rows)}
        </Typography>
      </figure>
    );
  }

  return (
    <InfoCard
      variant="gridItem"
      title="Readiness trend"
      subheader={`${
        rollup ? `The ${rollup.by} ${rollup.label}` : 'The whole fleet'
      }, whatever the filters`}
    >
      <div className={classes.toolbar}>
        <TextField
          id={periodId}
          label="Period"
          select
          SelectProps={{ native: true }}
          className={classes.select}
          value={days}
          onChange={e => setDays(Number(e.target.value) as TrendDays)}
        >
          {TREND_DAYS.map(d => (
            <option key={d} value={d}>
              Last {d} days
            </option>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Switch
              checked={asTable}
              onChange={(_e, checked) => setAsTable(checked)}
              color="primary"
            />
          }
          label="Show as table"
        />
        {rollup && onShowFleet && (
          <Button variant="outlined" onClick={onShowFleet}>
            Show the whole fleet
          </Button>
        )}
      </div>
      {body}
    </InfoCard>
  );
}
