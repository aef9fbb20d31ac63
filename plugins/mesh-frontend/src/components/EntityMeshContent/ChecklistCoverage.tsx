import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import MuiLink from '@material-ui/core/Link';
import { InfoCard } from '@backstage/core-components';
import { CheckResult } from '@mesh-readiness/plugin-mesh-common';
import { dayOf } from './checkDetails';
import { coverageRows, CoverageRow } from './coverage';
import { safeHttpUrl } from './links';
import { LineVerdictChip } from './StatusChip';

const useStyles = makeStyles({
  verdict: { '&&': { whiteSpace: 'nowrap', wordBreak: 'normal', width: 1 } },
  // Lines and captions wrap between words only.
  text: { '&&': { wordBreak: 'normal', overflowWrap: 'normal' } },
  status: { whiteSpace: 'nowrap' },
});

function Attestation(props: { row: CoverageRow }) {
  const a = props.row.attestation;
  if (!a) return null;
  const link = safeHttpUrl(a.link);
  return (
    <Typography
      variant="caption"
      color={a.expired ? 'error' : 'textSecondary'}
      component="div"
      data-testid={`mesh-coverage-attestation-${props.row.id}`}
    >
      {a.expired ? 'Attestation expired on ' : 'Attested by '}
      {a.expired ? dayOf(a.expiresAt) : a.by}
      {a.expired
        ? ` (made by ${a.by} on ${dayOf(a.at)})`
        : ` on ${dayOf(a.at)}`}
      {a.note && `: ${a.note}`}
      {!a.expired && ` · valid until ${dayOf(a.expiresAt)}`}
      {a.madeFor && ` · made for ${a.madeFor}`}
      {link && (
        <>
          {' · '}
          <MuiLink href={link} target="_blank" rel="noopener noreferrer">
            record
          </MuiLink>
        </>
      )}
    </Typography>
  );
}

function ChecksCaption(props: { checks: CheckResult[] }) {
  const classes = useStyles();
  if (props.checks.length === 0) {
    return <>No check of this report serves this line.</>;
  }
  return (
    <>
      {props.checks.map((c, i) => (
        <span key={c.id}>
          {i > 0 && ' · '}
          {c.title} <span className={classes.status}>({c.status})</span>
        </span>
      ))}
    </>
  );
}

/** The checklist's twelve lines, each with its verdict, attestation or "not measured". */
export function ChecklistCoverage(props: { checks: CheckResult[] }) {
  const classes = useStyles();
  const rows = coverageRows(props.checks);
  const covered = rows.filter(r =>
    ['pass', 'warn', 'fail'].includes(r.verdict),
  ).length;
  const applicable = rows.filter(r => r.verdict !== 'not-applicable').length;
  return (
    <InfoCard
      title="Production checklist"
      subheader={`${covered} of ${applicable} applicable lines have a verdict`}
      noPadding
    >
      <Table size="small" aria-label="Production checklist">
        <TableHead>
          <TableRow>
            <TableCell className={classes.text}>Line</TableCell>
            <TableCell className={classes.verdict}>Verdict</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={row.id} data-testid={`mesh-coverage-${row.id}`}>
              <TableCell className={classes.text}>
                <Typography variant="body2">{row.text}</Typography>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  <ChecksCaption checks={row.checks} />
                </Typography>
                <Attestation row={row} />
              </TableCell>
              <TableCell className={classes.verdict}>
                <LineVerdictChip verdict={row.verdict} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}
