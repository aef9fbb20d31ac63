import { ReactNode } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import {
  HealthSummary,
  HistoryPoint,
} from '@mesh-readiness/plugin-mesh-common';
import { backendMessage } from './actions';
import { formatMs, formatPercent, formatRps } from './format';
import { historyFreshness, seriesOf, SignalKey } from './history';
import { Sparkline } from './Sparkline';
import { HealthStatusChip } from './StatusChip';

const useStyles = makeStyles(theme => ({
  metrics: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
    gap: theme.spacing(2),
  },
  value: { whiteSpace: 'nowrap' },
}));

/** The entity's history as the card gets it: loading, failed, or its points. */
export type HistoryState =
  | { state: 'loading' }
  | { state: 'error'; error: Error; retry: () => void }
  | { state: 'ready'; points: HistoryPoint[] };

function Metric(props: {
  label: string;
  testId: string;
  value: string;
  chart?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <div>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography
        variant="h6"
        component="div"
        className={classes.value}
        data-testid={props.testId}
      >
        {props.value}
      </Typography>
      {props.chart}
    </div>
  );
}

function HistoryNote(props: { history: HistoryState }) {
  const { history } = props;
  if (history.state === 'loading') {
    return (
      <Box mt={2} data-testid="mesh-history-loading">
        <Typography variant="caption" color="textSecondary">
          Loading history…
        </Typography>
        <LinearProgress aria-label="Loading history" />
      </Box>
    );
  }
  if (history.state === 'error') {
    return (
      <Box
        mt={2}
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
        data-testid="mesh-history-error"
      >
        <Typography variant="body2" color="error">
          History could not be loaded: {backendMessage(history.error)}
        </Typography>
        <Button size="small" variant="outlined" onClick={history.retry}>
          Retry history
        </Button>
      </Box>
    );
  }
  const { lastDay, stale } = historyFreshness(history.points);
  if (!lastDay) {
    return (
      <Box mt={2}>
        <Typography
          variant="caption"
          color="textSecondary"
          data-testid="mesh-history-empty"
        >
          No history yet: a point is recorded each day a complete report is
          collected.
        </Typography>
      </Box>
    );
  }
  return (
    <Box mt={2}>
      <Typography
        variant="caption"
        color={stale ? 'error' : 'textSecondary'}
        data-testid="mesh-history-freshness"
      >
        Daily history, last recorded on {lastDay}
        {stale &&
          ': no complete report since (collections failed or the report is stale)'}
        .
      </Typography>
    </Box>
  );
}

const SIGNALS: {
  key: SignalKey;
  label: string;
  testId: string;
  format: (v: number | null | undefined) => string;
  value: (h: HealthSummary) => number | null | undefined;
}[] = [
  {
    key: 'rps',
    label: 'Requests',
    testId: 'mesh-rps',
    format: formatRps,
    value: h => h.requestsPerSecond,
  },
  {
    key: 'successRate',
    label: 'Success rate',
    testId: 'mesh-success-rate',
    format: formatPercent,
    value: h => h.successRate,
  },
  {
    key: 'p50',
    label: 'p50 latency',
    testId: 'mesh-p50',
    format: formatMs,
    value: h => h.latencyMs?.p50,
  },
  {
    key: 'p95',
    label: 'p95 latency',
    testId: 'mesh-p95',
    format: formatMs,
    value: h => h.latencyMs?.p95,
  },
  {
    key: 'p99',
    label: 'p99 latency',
    testId: 'mesh-p99',
    format: formatMs,
    value: h => h.latencyMs?.p99,
  },
];

/**
 * Golden signals through the mesh: traffic, success rate and latency quantiles now,
 * each with its daily history, and the p99 budget as a line when the entity has one.
 */
export function HealthCard(props: {
  health: HealthSummary;
  history?: HistoryState;
  latencyBudgetMs?: number;
}) {
  const classes = useStyles();
  const { health, history, latencyBudgetMs } = props;
  const subheader: ReactNode[] = [];
  if (health.window) subheader.push(`over the last ${health.window}`);
  if (health.reason) subheader.push(health.reason);
  if (latencyBudgetMs !== undefined) {
    subheader.push(`p99 budget ${formatMs(latencyBudgetMs)}`);
  }
  const points = history?.state === 'ready' ? history.points : undefined;
  return (
    <InfoCard
      title="Golden signals"
      subheader={subheader.length ? subheader.join(' · ') : undefined}
      action={
        <HealthStatusChip status={health.status} testId="mesh-health-status" />
      }
    >
      <div className={classes.metrics}>
        {SIGNALS.map(s => (
          <Metric
            key={s.key}
            label={s.label}
            testId={s.testId}
            value={s.format(s.value(health))}
            chart={
              points && (
                <Sparkline
                  label={`${s.label} history`}
                  series={seriesOf(points, s.key)}
                  format={s.format}
                  reference={
                    s.key === 'p99' && latencyBudgetMs !== undefined
                      ? { value: latencyBudgetMs, label: 'budget' }
                      : undefined
                  }
                  testId={`mesh-sparkline-${s.key}`}
                />
              )
            }
          />
        ))}
      </div>
      {history && <HistoryNote history={history} />}
    </InfoCard>
  );
}
