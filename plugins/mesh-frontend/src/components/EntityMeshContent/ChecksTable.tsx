import { Fragment, useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import MuiLink from '@material-ui/core/Link';
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
import {
  CHECK_SECTIONS,
  CheckResult,
  CheckStatus,
  sectionOf,
} from '@mesh-readiness/plugin-mesh-common';
import { AttestDialog, WaiveDialog } from './ActionDialogs';
import { isAttestable, MeshActions } from './actions';
import {
  AttestationInfo,
  attestationOf,
  dayOf,
  waiverOf,
} from './checkDetails';
import { CommandBlock } from './CommandBlock';
import { safeHttpUrl } from './links';
import { splitRemediation } from './remediation';
import { CheckStatusChip } from './StatusChip';

const useStyles = makeStyles(theme => ({
  row: { '& > td': { borderBottom: 'unset' } },
  detailCell: { paddingTop: 0, paddingBottom: 0 },
  // A grid track of minmax(0, 1fr) has no minimum width, so a long command or evidence
  // line scrolls inside its block instead of widening the table past the page.
  details: {
    padding: theme.spacing(0, 0, 2, 0),
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr)',
  },
  prose: { whiteSpace: 'pre-wrap', margin: theme.spacing(0, 0, 1, 0) },
  // A check id is one token: it never breaks, not even at its hyphens.
  id: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
  chipCell: { '&&': { whiteSpace: 'nowrap', width: 1 } },
  sectionHead: {
    '&&': {
      backgroundColor: theme.palette.background.default,
      whiteSpace: 'nowrap',
    },
  },
  evidence: {
    margin: 0,
    padding: theme.spacing(1, 1.5),
    maxHeight: 240,
    overflow: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    whiteSpace: 'pre',
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
  actions: { display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' },
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
}));

/** Most actionable first; the report's order within one status. */
const STATUS_ORDER: Record<CheckStatus, number> = {
  fail: 0,
  warn: 1,
  unknown: 2,
  // Waived checks sit with the passing ones in the order but never read as passed.
  waived: 3,
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

export interface CheckGroup {
  id: string;
  title: string;
  checks: CheckResult[];
}

/**
 * The checks by the reference checklist's sections, in its order, each sorted most
 * actionable first; checks of a category no section knows come last, under "Other".
 */
export function groupChecks(checks: CheckResult[]): CheckGroup[] {
  const groups: CheckGroup[] = CHECK_SECTIONS.map(s => ({
    id: s.id,
    title: s.title,
    checks: [],
  }));
  const other: CheckGroup = { id: 'other', title: 'Other', checks: [] };
  for (const check of checks) {
    const section = sectionOf(check);
    (groups.find(g => g.id === section) ?? other).checks.push(check);
  }
  return [...groups, other]
    .filter(g => g.checks.length > 0)
    .map(g => ({ ...g, checks: sortChecks(g.checks) }));
}

function countsOf(checks: CheckResult[]): string {
  const counts = new Map<string, number>();
  for (const c of checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  return [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
}

/** Evidence without what is shown on its own above it. */
function otherEvidence(check: CheckResult): Record<string, unknown> {
  const {
    waived: _waived,
    attestation: _attestation,
    rotationTested: _rotation,
    expired: _expired,
    ...rest
  } = check.evidence ?? {};
  return rest;
}

function WaiverNote(props: { check: CheckResult }) {
  const waiver = waiverOf(props.check);
  if (!waiver) return null;
  const who =
    waiver.origin === 'api'
      ? `by ${waiver.by ?? 'someone'}${
          waiver.at ? ` on ${dayOf(waiver.at)}` : ''
        }`
      : 'by the entity\'s "servicemesh/waive" annotation';
  return (
    <Typography
      variant="body2"
      paragraph
      data-testid={`mesh-check-waiver-${props.check.id}`}
    >
      <strong>Waived</strong> {who}
      {waiver.until ? `, until ${waiver.until}` : ', with no end day'}:{' '}
      {waiver.reason}. Without the waiver the check is{' '}
      <strong>{waiver.status}</strong>.
      {waiver.origin === 'api' &&
        ' Withdraw it under "Attestations and waivers".'}
    </Typography>
  );
}

function AttestationNote(props: {
  checkId: string;
  attestation: AttestationInfo;
}) {
  const a = props.attestation;
  const link = safeHttpUrl(a.link);
  return (
    <Typography
      variant="body2"
      paragraph
      color={a.expired ? 'error' : 'textPrimary'}
      data-testid={`mesh-check-attestation-${props.checkId}`}
    >
      <strong>{a.expired ? 'Attestation expired' : 'Attested'}</strong> by{' '}
      {a.by} on {dayOf(a.at)}
      {a.note && `: ${a.note}`}
      {a.expired
        ? ` (lapsed on ${dayOf(a.expiresAt)}).`
        : ` (valid until ${dayOf(a.expiresAt)}).`}
      {a.madeFor && ` Made for ${a.madeFor}.`}
      {link && (
        <>
          {' '}
          <MuiLink href={link} target="_blank" rel="noopener noreferrer">
            Open the record
          </MuiLink>
        </>
      )}
    </Typography>
  );
}

function Remediation(props: { check: CheckResult }) {
  const classes = useStyles();
  const { check } = props;
  const text = check.remediation ?? '';
  if (!text.trim()) return null;
  const blocks = splitRemediation(text);
  const commands = blocks.filter(b => b.kind === 'code');
  return (
    <div data-testid={`mesh-check-remediation-${check.id}`}>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        Remediation
      </Typography>
      {blocks.map((block, i) =>
        block.kind === 'text' ? (
          <Typography
            key={i}
            variant="body2"
            component="p"
            className={classes.prose}
          >
            {block.text}
          </Typography>
        ) : (
          <CommandBlock
            key={i}
            text={block.text}
            label={
              commands.length > 1
                ? `${check.title}, step ${commands.indexOf(block) + 1}`
                : check.title
            }
            testId="mesh-check-command"
          />
        ),
      )}
    </div>
  );
}

function Evidence(props: { check: CheckResult }) {
  const classes = useStyles();
  const evidence = otherEvidence(props.check);
  if (Object.keys(evidence).length === 0) return null;
  return (
    <Box mt={1} mb={1}>
      <Typography variant="subtitle2" component="h4" gutterBottom>
        Evidence
      </Typography>
      <pre
        className={classes.evidence}
        // Focusable so that keyboard users can scroll it.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        role="group"
        aria-label={`Evidence of ${props.check.title}`}
        data-testid={`mesh-check-evidence-${props.check.id}`}
      >
        {JSON.stringify(evidence, null, 2)}
      </pre>
    </Box>
  );
}

type OpenDialog = 'attest' | 'waive' | undefined;

function CheckRow(props: {
  check: CheckResult;
  entityRef: string;
  actions: MeshActions;
  onChanged: () => void;
}) {
  const { check, entityRef, actions, onChanged } = props;
  const classes = useStyles();
  // Failing and warning checks open with their remediation visible.
  const [open, setOpen] = useState(
    check.status === 'fail' || check.status === 'warn',
  );
  const [dialog, setDialog] = useState<OpenDialog>();
  const attestation = attestationOf(check);
  const canAttest = actions.canAttest && isAttestable(check.id);
  const canWaive = actions.canWaive && check.status !== 'waived';
  const hasDetails =
    Boolean(check.remediation?.trim()) ||
    Object.keys(otherEvidence(check)).length > 0 ||
    Boolean(waiverOf(check)) ||
    Boolean(attestation) ||
    canAttest ||
    canWaive;
  const detailsId = `mesh-check-details-${check.id}`;
  const done = () => {
    setDialog(undefined);
    onChanged();
  };
  return (
    <Fragment>
      <TableRow className={classes.row} data-testid={`mesh-check-${check.id}`}>
        <TableCell padding="checkbox">
          {hasDetails && (
            <IconButton
              size="small"
              aria-label={`${open ? 'Hide' : 'Show'} details of ${check.title}`}
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => setOpen(o => !o)}
            >
              {open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
            </IconButton>
          )}
        </TableCell>
        <TableCell className={classes.chipCell}>
          <CheckStatusChip status={check.status} />
        </TableCell>
        <TableCell>
          <Typography variant="body2">{check.title}</Typography>
          <Typography
            variant="caption"
            color="textSecondary"
            className={classes.id}
            data-testid="mesh-check-id"
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
          {hasDetails && (
            <Collapse in={open} timeout="auto" unmountOnExit>
              <div id={detailsId} className={classes.details}>
                <WaiverNote check={check} />
                {attestation && (
                  <AttestationNote
                    checkId={check.id}
                    attestation={attestation}
                  />
                )}
                <Remediation check={check} />
                <Evidence check={check} />
                {(canAttest || canWaive) && (
                  <div className={classes.actions}>
                    {canAttest && (
                      <Button
                        variant="outlined"
                        color="primary"
                        size="small"
                        onClick={() => setDialog('attest')}
                        aria-label={`Attest ${check.title}`}
                      >
                        Attest
                      </Button>
                    )}
                    {canWaive && (
                      <Button
                        variant="outlined"
                        size="small"
                        onClick={() => setDialog('waive')}
                        aria-label={`Waive ${check.title}`}
                      >
                        Waive
                      </Button>
                    )}
                  </div>
                )}
              </div>
            </Collapse>
          )}
          {dialog === 'attest' && (
            <AttestDialog
              open
              check={check}
              entityRef={entityRef}
              onClose={() => setDialog(undefined)}
              onDone={done}
            />
          )}
          {dialog === 'waive' && (
            <WaiveDialog
              open
              check={check}
              entityRef={entityRef}
              onClose={() => setDialog(undefined)}
              onDone={done}
            />
          )}
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/**
 * The readiness checks, grouped by the reference checklist's sections, each with its
 * status, summary and, to expand, the waiver or attestation, the remediation with a
 * copy button per block of commands, the evidence, and the Attest and Waive actions.
 */
export function ChecksTable(props: {
  checks: CheckResult[];
  entityRef: string;
  actions?: MeshActions;
  onChanged?: () => void;
}) {
  const classes = useStyles();
  const actions = props.actions ?? { canAttest: false, canWaive: false };
  const onChanged = props.onChanged ?? (() => {});
  const groups = groupChecks(props.checks);
  return (
    <InfoCard title="Readiness checks" noPadding>
      <Table size="small" aria-label="Readiness checks">
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox">
              <span className={classes.visuallyHidden}>Details</span>
            </TableCell>
            <TableCell className={classes.chipCell}>Status</TableCell>
            <TableCell>Check</TableCell>
            <TableCell>Summary</TableCell>
          </TableRow>
        </TableHead>
        {groups.length === 0 && (
          <TableBody>
            <TableRow>
              <TableCell colSpan={4}>No checks in this report.</TableCell>
            </TableRow>
          </TableBody>
        )}
        {groups.map(group => (
          <TableBody key={group.id} data-testid={`mesh-section-${group.id}`}>
            <TableRow>
              <TableCell
                colSpan={4}
                component="th"
                scope="rowgroup"
                className={classes.sectionHead}
              >
                <Typography variant="subtitle2" component="span">
                  {group.title}
                </Typography>
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="span"
                >
                  {' · '}
                  {countsOf(group.checks)}
                </Typography>
              </TableCell>
            </TableRow>
            {group.checks.map(check => (
              <CheckRow
                key={check.id}
                check={check}
                entityRef={props.entityRef}
                actions={actions}
                onChanged={onChanged}
              />
            ))}
          </TableBody>
        ))}
      </Table>
    </InfoCard>
  );
}
