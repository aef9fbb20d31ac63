import { ReactNode } from 'react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { InfoCard } from '@backstage/core-components';
import { HealthSummary } from '@mesh-readiness/plugin-mesh-common';
import { formatMs, formatPercent, formatRps } from './format';
import { HealthStatusChip } from './StatusChip';

function Metric(props: { label: string; testId: string; value: string }) {
  return (
    <Grid item xs={6} sm={4} md={2}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="h6" component="div" data-testid={props.testId}>
        {props.value}
      </Typography>
    </Grid>
  );
}

/** Golden signals through the mesh: traffic, success rate and latency quantiles. */
export function HealthCard(props: { health: HealthSummary }) {
  const { health } = props;
  const subheader: ReactNode[] = [];
  if (health.window) subheader.push(`over the last ${health.window}`);
  if (health.reason) subheader.push(health.reason);
  return (
    <InfoCard
      title="Golden signals"
      subheader={subheader.length ? subheader.join(' · ') : undefined}
      action={
        <HealthStatusChip status={health.status} testId="mesh-health-status" />
      }
    >
      <Grid container spacing={2}>
        <Metric
          label="Requests"
          testId="mesh-rps"
          value={formatRps(health.requestsPerSecond)}
        />
        <Metric
          label="Success rate"
          testId="mesh-success-rate"
          value={formatPercent(health.successRate)}
        />
        <Metric
          label="p50 latency"
          testId="mesh-p50"
          value={formatMs(health.latencyMs?.p50)}
        />
        <Metric
          label="p95 latency"
          testId="mesh-p95"
          value={formatMs(health.latencyMs?.p95)}
        />
        <Metric
          label="p99 latency"
          testId="mesh-p99"
          value={formatMs(health.latencyMs?.p99)}
        />
      </Grid>
    </InfoCard>
  );
}
