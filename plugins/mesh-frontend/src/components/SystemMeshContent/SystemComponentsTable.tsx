import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { orange } from '@material-ui/core/colors';
import { Link } from '@backstage/core-components';
import {
  ReadinessLevel,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import { ReadinessLevelChip } from '../EntityMeshContent/StatusChip';
import { AttentionChecks } from './AttentionChecks';
import { useMeshTabOf } from './links';
import { byAttention, shortName } from './rows';
import { ReportAge } from '../shared/ReportAge';

const useStyles = makeStyles(theme => ({
  container: { overflowX: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  ref: {
    display: 'block',
    color: theme.palette.text.secondary,
    fontSize: '0.75rem',
  },
  checks: { minWidth: 260 },
  staleRow: { backgroundColor: orange[50] },
}));

/**
 * The components of a system, the ones that need attention first, each linking to its
 * own Mesh tab.
 */
export function SystemComponentsTable(props: { rows: ScorecardRow[] }) {
  const classes = useStyles();
  const meshTabOf = useMeshTabOf();
  return (
    <TableContainer className={classes.container}>
      <Table size="small" aria-label="Components of the system">
        <TableHead>
          <TableRow>
            <TableCell className={classes.nowrap}>Component</TableCell>
            <TableCell className={classes.nowrap}>Owner</TableCell>
            <TableCell className={classes.nowrap} align="right">
              Score
            </TableCell>
            <TableCell className={classes.nowrap}>Level</TableCell>
            <TableCell className={classes.nowrap}>Needs attention</TableCell>
            <TableCell className={classes.nowrap}>Collected</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {byAttention(props.rows).map(row => {
            const href = meshTabOf(row.entityRef);
            const title = row.title || shortName(row.entityRef);
            return (
              <TableRow
                key={row.entityRef}
                className={row.stale ? classes.staleRow : undefined}
                data-testid="mesh-system-row"
                data-stale={row.stale ? 'true' : undefined}
              >
                <TableCell className={classes.nowrap}>
                  {href ? <Link to={href}>{title}</Link> : title}
                  <span className={classes.ref}>{row.entityRef}</span>
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <Tooltip title={row.owner || 'no owner'}>
                    <span>{row.owner ? shortName(row.owner) : '—'}</span>
                  </Tooltip>
                </TableCell>
                <TableCell align="right" className={classes.nowrap}>
                  {Math.round(row.score)}
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <ReadinessLevelChip level={row.level as ReadinessLevel} />
                </TableCell>
                <TableCell className={classes.checks}>
                  <AttentionChecks row={row} />
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <ReportAge
                    generatedAt={row.generatedAt}
                    stale={row.stale}
                    staleTestId="mesh-system-stale-row"
                  />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
