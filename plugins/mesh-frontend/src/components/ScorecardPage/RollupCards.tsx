import { ReactNode, useState } from 'react';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import TimelineIcon from '@material-ui/icons/Timeline';
import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ScorecardRollup,
  ScorecardRollupBy,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, ScorecardFilters } from '../../api';
import { formatPercent } from '../EntityMeshContent/format';
import { TrendRollup } from './ReadinessTrendCard';

const ROWS_PER_PAGE = 10;

const useStyles = makeStyles(theme => ({
  container: { overflowX: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  bar: { minWidth: 120, height: 8, borderRadius: 4 },
  barCell: { minWidth: 160 },
  muted: { color: theme.palette.text.secondary },
}));

function keyLabel(key: string, by: ScorecardRollupBy): string {
  if (!key) return by === 'namespace' ? '(no namespace)' : `(no ${by})`;
  if (by === 'namespace' || by === 'cluster') return key;
  try {
    return parseEntityRef(key).name;
  } catch {
    return key;
  }
}

function useRollups(by: ScorecardRollupBy, filters: ScorecardFilters) {
  const meshApi = useApi(meshApiRef);
  const key = JSON.stringify(filters);
  return useAsync(
    () => meshApi.getScorecardRollups(by, filters),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [meshApi, by, key],
  );
}

/** A small client-paged table; roll-ups are few compared with entities. */
function PagedTable(props: {
  label: string;
  testId: string;
  head: ReactNode[];
  rows: ScorecardRollup[];
  render: (rollup: ScorecardRollup) => ReactNode;
  empty: string;
}) {
  const classes = useStyles();
  const [page, setPage] = useState(0);
  const last = Math.max(0, Math.ceil(props.rows.length / ROWS_PER_PAGE) - 1);
  const current = Math.min(page, last);
  if (props.rows.length === 0) {
    return <Typography className={classes.muted}>{props.empty}</Typography>;
  }
  return (
    <>
      <TableContainer className={classes.container}>
        <Table size="small" aria-label={props.label} data-testid={props.testId}>
          <TableHead>
            <TableRow>
              {props.head.map((cell, i) => (
                <TableCell
                  key={i}
                  className={classes.nowrap}
                  align={i === 0 ? 'left' : 'right'}
                >
                  {cell}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {props.rows
              .slice(current * ROWS_PER_PAGE, (current + 1) * ROWS_PER_PAGE)
              .map(props.render)}
          </TableBody>
        </Table>
      </TableContainer>
      {props.rows.length > ROWS_PER_PAGE && (
        <TablePagination
          component="div"
          count={props.rows.length}
          page={current}
          rowsPerPage={ROWS_PER_PAGE}
          rowsPerPageOptions={[ROWS_PER_PAGE]}
          onPageChange={(_e, next) => setPage(next)}
        />
      )}
    </>
  );
}

const ROLLUP_TABS: { by: ScorecardRollupBy; label: string }[] = [
  { by: 'group', label: 'Group' },
  { by: 'system', label: 'System' },
  { by: 'domain', label: 'Domain' },
];

/**
 * Average score and the share at production-ready, by group, system or domain. A row's
 * trend button shows that roll-up's history in the trend card.
 */
export function RollupsCard(props: {
  filters: ScorecardFilters;
  trendOf?: { by: ScorecardRollupBy; key: string };
  onTrend?: (rollup: TrendRollup | undefined) => void;
}) {
  const classes = useStyles();
  const { trendOf, onTrend } = props;
  const [by, setBy] = useState<ScorecardRollupBy>('group');
  const { value, loading, error } = useRollups(by, props.filters);
  let body: ReactNode;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else {
    body = (
      <PagedTable
        label={`Roll-ups by ${by}`}
        testId="mesh-rollups-table"
        head={[
          ROLLUP_TABS.find(t => t.by === by)?.label,
          'Entities',
          'Average score',
          'Production-ready',
          ...(onTrend ? ['Trend'] : []),
        ]}
        rows={value?.rollups ?? []}
        empty="No entities to roll up."
        render={r => {
          const label = keyLabel(r.key, by);
          const shown = trendOf?.by === by && trendOf.key === r.key;
          return (
            <TableRow key={r.key || '(none)'} selected={shown}>
              <TableCell className={classes.nowrap}>
                <Tooltip title={r.key || 'none'}>
                  <span>{label}</span>
                </Tooltip>
              </TableCell>
              <TableCell align="right">{r.entities}</TableCell>
              <TableCell align="right">{r.averageScore.toFixed(1)}</TableCell>
              <TableCell align="right" className={classes.nowrap}>
                {formatPercent(r.levels['production-ready'] ?? 0)}
              </TableCell>
              {onTrend && (
                <TableCell align="right">
                  {/* Entities without a group, system or domain have no history key. */}
                  {r.key && (
                    <IconButton
                      size="small"
                      aria-label={`Trend of ${by} ${label}`}
                      aria-pressed={shown}
                      color={shown ? 'primary' : 'default'}
                      onClick={() =>
                        onTrend(shown ? undefined : { by, key: r.key, label })
                      }
                    >
                      <TimelineIcon fontSize="small" />
                    </IconButton>
                  )}
                </TableCell>
              )}
            </TableRow>
          );
        }}
      />
    );
  }
  return (
    <InfoCard title="Roll-ups" variant="gridItem">
      <Tabs
        value={by}
        onChange={(_e, next: ScorecardRollupBy) => setBy(next)}
        aria-label="Roll up by"
        indicatorColor="primary"
      >
        {ROLLUP_TABS.map(tab => (
          <Tab key={tab.by} value={tab.by} label={tab.label} />
        ))}
      </Tabs>
      {body}
    </InfoCard>
  );
}

/** Rollout progress: meshed workloads out of all, per namespace. */
export function RolloutCard(props: { filters: ScorecardFilters }) {
  const classes = useStyles();
  const { value, loading, error } = useRollups('namespace', props.filters);
  let body: ReactNode;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else {
    body = (
      <PagedTable
        label="Rollout by namespace"
        testId="mesh-rollout-table"
        head={['Namespace', 'Meshed workloads', 'Progress', 'Meshed pods']}
        rows={value?.rollups ?? []}
        empty="No namespaces yet."
        render={r => {
          const share =
            r.rollout.workloads > 0
              ? r.rollout.meshedWorkloads / r.rollout.workloads
              : 0;
          const label = keyLabel(r.key, 'namespace');
          return (
            <TableRow key={r.key || '(none)'}>
              <TableCell className={classes.nowrap}>{label}</TableCell>
              <TableCell align="right" className={classes.nowrap}>
                {r.rollout.meshedWorkloads} / {r.rollout.workloads}
              </TableCell>
              <TableCell className={classes.barCell}>
                <LinearProgress
                  variant="determinate"
                  value={share * 100}
                  className={classes.bar}
                  aria-label={`${label}: ${Math.round(
                    share * 100,
                  )}% of workloads meshed`}
                />
              </TableCell>
              <TableCell align="right" className={classes.nowrap}>
                {r.rollout.meshedPods} / {r.rollout.pods}
              </TableCell>
            </TableRow>
          );
        }}
      />
    );
  }
  return <InfoCard title="Rollout by namespace">{body}</InfoCard>;
}
