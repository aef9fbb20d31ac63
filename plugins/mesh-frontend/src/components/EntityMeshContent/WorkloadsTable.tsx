import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import { WorkloadSummary } from '@mesh-readiness/plugin-mesh-common';
import { NO_VALUE } from './format';

const useStyles = makeStyles(theme => ({
  // The table keeps its natural width and scrolls sideways in a narrow column,
  // rather than squeezing headers and names until they break inside a word.
  scroller: {
    overflowX: 'auto',
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: -2,
    },
  },
  table: { width: '100%' },
  // Headers and Kubernetes names never break: "Namespace", "checkout-api". The
  // Backstage theme gives every table cell `word-break: break-word`, which split them
  // mid-word in a narrow column; `&&` outranks it whatever the order of the sheets.
  nowrap: {
    '&&': {
      whiteSpace: 'nowrap',
      wordBreak: 'normal',
      overflowWrap: 'normal',
    },
  },
}));

/** Several proxy versions may wrap between versions, never inside one. */
function ProxyVersions(props: { versions?: string[] }) {
  const classes = useStyles();
  const versions = props.versions ?? [];
  if (versions.length === 0) return <>{NO_VALUE}</>;
  return (
    <>
      {versions.map((v, i) => (
        <span key={v}>
          <span className={classes.nowrap}>{v}</span>
          {i < versions.length - 1 ? ', ' : ''}
        </span>
      ))}
    </>
  );
}

/** The Kubernetes workloads the entity maps to, with their proxy enrolment. */
export function WorkloadsTable(props: { workloads: WorkloadSummary[] }) {
  const { workloads } = props;
  const classes = useStyles();
  const nowrap = classes.nowrap;
  return (
    <InfoCard title="Workloads" noPadding>
      <div
        className={classes.scroller}
        role="region"
        aria-label="Workloads table"
        // Focusable so that keyboard users can scroll it when it overflows
        // (axe: scrollable-region-focusable).
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        data-testid="mesh-workloads-scroller"
      >
        <Table size="small" aria-label="Workloads" className={classes.table}>
          <TableHead>
            <TableRow>
              <TableCell className={nowrap}>Cluster</TableCell>
              <TableCell className={nowrap}>Namespace</TableCell>
              <TableCell className={nowrap}>Kind</TableCell>
              <TableCell className={nowrap}>Name</TableCell>
              <TableCell className={nowrap} align="right">
                Meshed pods
              </TableCell>
              <TableCell className={nowrap}>Proxy versions</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {workloads.length === 0 && (
              <TableRow>
                <TableCell colSpan={6}>
                  No workload matched this entity's annotations.
                </TableCell>
              </TableRow>
            )}
            {workloads.map(w => (
              <TableRow
                key={`${w.cluster}/${w.namespace}/${w.kind}/${w.name}`}
                data-testid={`mesh-workload-${w.cluster}-${w.namespace}-${w.name}`}
              >
                <TableCell className={nowrap}>{w.cluster}</TableCell>
                <TableCell className={nowrap}>{w.namespace}</TableCell>
                <TableCell className={nowrap}>{w.kind}</TableCell>
                <TableCell className={nowrap}>{w.name}</TableCell>
                <TableCell
                  className={nowrap}
                  align="right"
                  data-testid="mesh-workload-meshed-pods"
                  title={`${w.meshedPods ?? 0} of ${
                    w.pods ?? 0
                  } pods run in the mesh`}
                >
                  {w.meshedPods ?? 0} / {w.pods ?? 0}
                </TableCell>
                <TableCell>
                  <ProxyVersions versions={w.proxyVersions} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </InfoCard>
  );
}
