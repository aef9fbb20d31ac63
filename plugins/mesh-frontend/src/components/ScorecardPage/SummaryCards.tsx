import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import {
  ReadinessLevel,
  ScorecardSummary,
} from '@mesh-readiness/plugin-mesh-common';
import { ReadinessLevelChip } from '../EntityMeshContent/StatusChip';
import { NO_VALUE, formatPercent } from '../EntityMeshContent/format';

const LEVEL_ORDER: ReadinessLevel[] = [
  'production-ready',
  'almost-ready',
  'not-ready',
  'not-meshed',
  'unmapped',
];

const useStyles = makeStyles(theme => ({
  figure: { fontSize: '1.5rem', fontWeight: 600, whiteSpace: 'nowrap' },
  // Descriptions wrap between words; only figures and short labels stay on one line.
  label: { color: theme.palette.text.secondary },
  strip: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
  },
  levels: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(1),
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  level: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    whiteSpace: 'nowrap',
  },
  dl: {
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(1, 0),
    '& dt': { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
    '& dd': { margin: 0 },
  },
}));

/** Keeps a figure and its unit on one line; a pair may still wrap at its slash. */
function whole(text: string): string {
  return text.replace(/ /g, '\u00a0');
}

/** Bytes as KiB, MiB or GiB with one decimal. */
export function formatBytes(bytes: number | null | undefined): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return NO_VALUE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatCores(cores: number | null | undefined): string {
  if (typeof cores !== 'number' || !Number.isFinite(cores)) return NO_VALUE;
  return cores < 1 ? `${Math.round(cores * 1000)}m` : `${cores.toFixed(2)}`;
}

/**
 * What moving the sidecars to ambient would save: their requests less a ztunnel per node
 * when the data counts nodes. The assumption behind it is the line's tooltip.
 */
function AmbientSavingsLine(props: { summary: ScorecardSummary }) {
  const classes = useStyles();
  const { net, ztunnel, nodes, assumption } = props.summary.ambient;
  return (
    <Typography
      variant="body2"
      data-testid="mesh-ambient-savings"
      title={assumption}
    >
      Ambient would save {whole(formatCores(net.cpuCores))} CPU and{' '}
      {whole(formatBytes(net.memoryBytes))}{' '}
      <span className={classes.label}>
        {ztunnel && nodes !== null
          ? `(the sidecar requests less a ztunnel on each of ${nodes} nodes: ${whole(
              formatCores(ztunnel.cpuCores),
            )} CPU and ${whole(formatBytes(ztunnel.memoryBytes))})`
          : '(the sidecar requests; no node counts for the ztunnel side)'}
      </span>
    </Typography>
  );
}

/**
 * Counts by level, sidecar cost, double instrumentation and trace propagation. The
 * levels take a full-width strip and the other three share a row, so at 1280×800 every
 * card is wide enough for its figures: nothing is clipped and no word breaks.
 */
export function SummaryCards(props: { summary: ScorecardSummary }) {
  const classes = useStyles();
  const { summary } = props;
  const levels = [
    ...LEVEL_ORDER,
    ...Object.keys(summary.levels).filter(
      l => !LEVEL_ORDER.includes(l as ReadinessLevel),
    ),
  ];
  const pair = (a: string, b: string) => `${whole(a)} / ${whole(b)}`;
  return (
    <Grid container spacing={2} data-testid="mesh-scorecard-summary">
      <Grid item xs={12}>
        <InfoCard title="Readiness">
          <div className={classes.strip}>
            <Typography className={classes.figure}>
              {summary.entities} entities
            </Typography>
            <ul className={classes.levels} aria-label="Entities by level">
              {levels.map(level => (
                <li key={level} className={classes.level}>
                  <ReadinessLevelChip level={level as ReadinessLevel} />
                  <span aria-label={`${level} count`}>
                    {summary.levels[level] ?? 0}
                  </span>
                </li>
              ))}
            </ul>
            {summary.stale > 0 && (
              <Typography variant="body2" className={classes.label}>
                {summary.stale} stale
              </Typography>
            )}
          </div>
        </InfoCard>
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <InfoCard title="Sidecar cost" variant="gridItem">
          <Typography className={classes.figure}>
            {summary.sidecars.count} sidecars
          </Typography>
          <dl className={classes.dl}>
            <dt />
            <dd className={classes.label}>requested / used</dd>
            <dt>CPU (cores)</dt>
            <dd>
              {pair(
                formatCores(summary.sidecars.requested.cpuCores),
                formatCores(summary.sidecars.used.cpuCores),
              )}
            </dd>
            <dt>Memory</dt>
            <dd>
              {pair(
                formatBytes(summary.sidecars.requested.memoryBytes),
                formatBytes(summary.sidecars.used.memoryBytes),
              )}
            </dd>
          </dl>
          <Typography variant="caption" className={classes.label}>
            usage measured on {summary.sidecars.measured} of{' '}
            {summary.sidecars.count}
          </Typography>
          {summary.ambient && <AmbientSavingsLine summary={summary} />}
        </InfoCard>
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <InfoCard title="Double-instrumented series" variant="gridItem">
          <Typography className={classes.figure}>
            {summary.doubleInstrumentation.appSeries} series
          </Typography>
          <Typography variant="body2" className={classes.label}>
            app HTTP series kept beside the mesh&apos;s own, about{' '}
            {whole(formatBytes(summary.doubleInstrumentation.estimatedBytes))}{' '}
            of Prometheus memory
          </Typography>
        </InfoCard>
      </Grid>
      <Grid item xs={12} sm={6} lg={4}>
        <InfoCard title="Trace propagation" variant="gridItem">
          <Typography className={classes.figure}>
            {summary.medianPropagationRatio === null
              ? 'not measured'
              : formatPercent(summary.medianPropagationRatio)}
          </Typography>
          <Typography variant="body2" className={classes.label}>
            median share of traces propagated end to end
          </Typography>
        </InfoCard>
      </Grid>
    </Grid>
  );
}
