import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { orange } from '@material-ui/core/colors';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  ReadinessLevel,
  ScorecardPage,
  ScorecardRow,
  ScorecardSortColumn,
} from '@mesh-readiness/plugin-mesh-common';
import { ReadinessLevelChip } from '../EntityMeshContent/StatusChip';
import { formatProvider } from '../EntityMeshContent/format';
import { CheckHeatMap } from './CheckHeatMap';
import { PAGE_SIZES } from './urlState';
import { ReportAge } from '../shared/ReportAge';

const useStyles = makeStyles(theme => ({
  container: { overflowX: 'auto' },
  table: { minWidth: 1180 },
  nowrap: { whiteSpace: 'nowrap' },
  name: { whiteSpace: 'nowrap', minWidth: 180 },
  ref: {
    display: 'block',
    color: theme.palette.text.secondary,
    fontSize: '0.75rem',
  },
  staleRow: { backgroundColor: orange[50] },
  progress: { height: 2 },
  progressSpacer: { height: 2 },
}));

interface Column {
  label: string;
  sort?: ScorecardSortColumn;
  align?: 'right';
}

const COLUMNS: Column[] = [
  { label: 'Entity', sort: 'entityRef' },
  { label: 'Owner', sort: 'owner' },
  { label: 'System', sort: 'system' },
  { label: 'Namespaces', sort: 'namespaces' },
  { label: 'Provider', sort: 'provider' },
  { label: 'Score', sort: 'score', align: 'right' },
  { label: 'Level', sort: 'level' },
  { label: 'Coverage', sort: 'coverage', align: 'right' },
  { label: 'Checks' },
  { label: 'Generated', sort: 'generatedAt' },
];

/** `group:default/team-a` → `team-a`; the ref itself stays in the tooltip. */
function shortRef(ref: string): string {
  if (!ref) return '—';
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

function EntityName(props: { row: ScorecardRow }) {
  const classes = useStyles();
  const entityRoute = useRouteRef(entityRouteRef);
  const { row } = props;
  let href: string | undefined;
  try {
    const ref = parseEntityRef(row.entityRef);
    href = `${entityRoute({
      kind: ref.kind.toLocaleLowerCase('en-US'),
      namespace: ref.namespace.toLocaleLowerCase('en-US'),
      name: ref.name,
    })}/mesh`;
  } catch {
    href = undefined;
  }
  const title = row.title || shortRef(row.entityRef);
  return (
    <>
      {href ? <Link to={href}>{title}</Link> : title}
      <span className={classes.ref}>{row.entityRef}</span>
    </>
  );
}

/** The fleet table: server-side sort and paging; the caller owns the state. */
export function ScorecardTable(props: {
  page: ScorecardPage;
  loading: boolean;
  checkIds: string[];
  titles: Record<string, string>;
  sort: ScorecardSortColumn;
  order: 'asc' | 'desc';
  pageIndex: number;
  pageSize: number;
  onSort: (sort: ScorecardSortColumn, order: 'asc' | 'desc') => void;
  onPage: (page: number, pageSize: number) => void;
}) {
  const classes = useStyles();
  const { page, sort, order } = props;
  return (
    <>
      {props.loading ? (
        <LinearProgress
          className={classes.progress}
          aria-label="Loading the scorecard"
        />
      ) : (
        <div className={classes.progressSpacer} />
      )}
      <TableContainer className={classes.container}>
        <Table
          size="small"
          className={classes.table}
          aria-label="Fleet scorecard"
          data-testid="mesh-scorecard-table"
        >
          <TableHead>
            <TableRow>
              {COLUMNS.map(column => (
                <TableCell
                  key={column.label}
                  align={column.align}
                  className={classes.nowrap}
                  sortDirection={
                    column.sort && column.sort === sort ? order : false
                  }
                >
                  {column.sort ? (
                    <TableSortLabel
                      active={column.sort === sort}
                      direction={column.sort === sort ? order : 'asc'}
                      onClick={() =>
                        props.onSort(
                          column.sort!,
                          column.sort === sort && order === 'asc'
                            ? 'desc'
                            : 'asc',
                        )
                      }
                    >
                      {column.label}
                    </TableSortLabel>
                  ) : (
                    column.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {page.rows.map(row => (
              <TableRow
                key={row.entityRef}
                className={row.stale ? classes.staleRow : undefined}
                data-testid="mesh-scorecard-row"
                data-stale={row.stale ? 'true' : undefined}
              >
                <TableCell className={classes.name}>
                  <EntityName row={row} />
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <Tooltip title={row.owner || 'no owner'}>
                    <span>{shortRef(row.owner)}</span>
                  </Tooltip>
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <Tooltip title={row.system || 'no system'}>
                    <span>{shortRef(row.system)}</span>
                  </Tooltip>
                </TableCell>
                <TableCell className={classes.nowrap}>
                  {row.namespaces.join(', ') || '—'}
                </TableCell>
                <TableCell className={classes.nowrap}>
                  {formatProvider(row.provider)}
                  {row.dataPlane !== 'none' && row.dataPlane !== 'sidecar'
                    ? ` (${row.dataPlane})`
                    : ''}
                </TableCell>
                <TableCell align="right" className={classes.nowrap}>
                  {Math.round(row.score)}
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <ReadinessLevelChip level={row.level as ReadinessLevel} />
                </TableCell>
                <TableCell align="right" className={classes.nowrap}>
                  {row.coverage
                    ? `${row.coverage.covered}/${row.coverage.total}`
                    : '—'}
                </TableCell>
                <TableCell>
                  <CheckHeatMap
                    checkIds={props.checkIds}
                    titles={props.titles}
                    statuses={row.checks}
                    entityTitle={row.title || row.entityRef}
                  />
                </TableCell>
                <TableCell className={classes.nowrap}>
                  <ReportAge
                    generatedAt={row.generatedAt}
                    stale={row.stale}
                    staleTestId="mesh-stale-row"
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={page.total}
        page={props.pageIndex}
        rowsPerPage={props.pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_e, next) => props.onPage(next, props.pageSize)}
        onRowsPerPageChange={e => props.onPage(0, Number(e.target.value))}
      />
    </>
  );
}
