import { Fragment, useState } from 'react';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { InfoCard } from '@backstage/core-components';
import { CheckResult, CheckStatus } from '@mesh-readiness/plugin-mesh-common';
import { CheckStatusChip } from './StatusChip';

const useStyles = makeStyles(theme => ({
  row: { '& > td': { borderBottom: 'unset' } },
  detailCell: { paddingTop: 0, paddingBottom: 0 },
  remediation: {
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    margin: theme.spacing(0, 0, 2, 0),
    padding: theme.spacing(1.5),
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
  id: { fontFamily: 'monospace' },
}));

/** Most actionable first; the report's order within one status. */
const STATUS_ORDER: Record<CheckStatus, number> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  pass: 3,
  'not-applicable': 4,
};

export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return checks
    .map((check, index) => ({ check, index }))
    .sort(
      (a, b) =>
        (STATUS_ORDER[a.check.status] ?? 5) -
          (STATUS_ORDER[b.check.status] ?? 5) || a.index - b.index,
    )
    .map(({ check }) => check);
}

function CheckRow(props: { check: CheckResult }) {
  const { check } = props;
  const classes = useStyles();
  // Failing and warning checks open with their remediation visible.
  const [open, setOpen] = useState(
    check.status === 'fail' || check.status === 'warn',
  );
  const hasRemediation = Boolean(check.remediation?.trim());
  return (
    <Fragment>
      <TableRow className={classes.row} data-testid={`mesh-check-${check.id}`}>
        <TableCell padding="checkbox">
          {hasRemediation && (
            <IconButton
              size="small"
              aria-label={open ? 'Hide remediation' : 'Show remediation'}
              aria-expanded={open}
              onClick={() => setOpen(o => !o)}
            >
              {open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
            </IconButton>
          )}
        </TableCell>
        <TableCell>
          <CheckStatusChip status={check.status} />
        </TableCell>
        <TableCell>
          <Typography variant="body2">{check.title}</Typography>
          <Typography
            variant="caption"
            color="textSecondary"
            className={classes.id}
          >
            {check.id}
          </Typography>
        </TableCell>
        <TableCell>
          <Typography variant="body2">{check.summary}</Typography>
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell className={classes.detailCell} colSpan={4}>
          {hasRemediation && (
            <Collapse in={open} timeout="auto" unmountOnExit>
              <Typography variant="caption" color="textSecondary">
                Remediation
              </Typography>
              <pre
                className={classes.remediation}
                data-testid={`mesh-check-remediation-${check.id}`}
              >
                {check.remediation}
              </pre>
            </Collapse>
          )}
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/** One row per readiness check, with its remediation (commands included) to expand. */
export function ChecksTable(props: { checks: CheckResult[] }) {
  const checks = sortChecks(props.checks);
  return (
    <InfoCard title="Readiness checks" noPadding>
      <Table size="small" aria-label="Readiness checks">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Status</TableCell>
            <TableCell>Check</TableCell>
            <TableCell>Summary</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {checks.length === 0 && (
            <TableRow>
              <TableCell colSpan={4}>No checks in this report.</TableCell>
            </TableRow>
          )}
          {checks.map(check => (
            <CheckRow key={check.id} check={check} />
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
