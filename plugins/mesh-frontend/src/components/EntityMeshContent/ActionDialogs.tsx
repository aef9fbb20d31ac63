import { FormEvent, ReactNode, useState } from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField, { OutlinedTextFieldProps } from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useApi } from '@backstage/core-plugin-api';
import {
  ATTESTATION_LIMITS,
  CheckResult,
  WAIVER_LIMITS,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { backendMessage, todayUtc, untilProblem } from './actions';
import { safeHttpUrl } from './links';

function FormDialog(props: {
  open: boolean;
  title: string;
  id: string;
  intro: ReactNode;
  submitLabel: string;
  submitting: boolean;
  error?: string;
  onClose: () => void;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const { open, title, id, intro, submitLabel, submitting, error } = props;
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <Dialog
      open={open}
      onClose={submitting ? undefined : props.onClose}
      aria-labelledby={`${id}-title`}
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={onSubmit} noValidate>
        <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
        <DialogContent>
          <DialogContentText>{intro}</DialogContentText>
          {props.children}
          {error && (
            <Alert severity="error" role="alert" data-testid={`${id}-error`}>
              {error}
            </Alert>
          )}
        </DialogContent>
        {submitting && <LinearProgress aria-label="Saving" />}
        <DialogActions>
          <Button onClick={props.onClose} disabled={submitting}>
            Cancel
          </Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={submitting}
          >
            {submitLabel}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/**
 * A form field that shows its hint, or its problem once the user tried to submit: the
 * dialogs' fields differ only in what they ask and how they check it.
 */
function CheckedField(
  props: Omit<
    OutlinedTextFieldProps,
    'variant' | 'helperText' | 'error' | 'margin'
  > & { problem?: string; hint: string; touched: boolean },
) {
  const { problem, hint, touched, ...rest } = props;
  return (
    <TextField
      {...rest}
      helperText={(touched && problem) || hint}
      error={touched && Boolean(problem)}
      margin="normal"
      variant="outlined"
    />
  );
}

/** Runs a call, keeping its pending state and the backend's message on failure. */
function useSubmit(onDone: () => void) {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (call: () => Promise<unknown>) => {
    setSubmitting(true);
    setError(undefined);
    try {
      await call();
      setSubmitting(false);
      onDone();
    } catch (e) {
      setSubmitting(false);
      setError(backendMessage(e));
    }
  };
  return { submitting, error, run };
}

/** `POST /v1/attestations` for an attestable check: note, optional link, validity. */
export function AttestDialog(props: {
  open: boolean;
  check: CheckResult;
  entityRef: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { check, entityRef } = props;
  const meshApi = useApi(meshApiRef);
  const { noteMaxLength, linkMaxLength, minDays, maxDays } = ATTESTATION_LIMITS;
  const [note, setNote] = useState('');
  const [link, setLink] = useState('');
  const [days, setDays] = useState('180');
  const [touched, setTouched] = useState(false);
  const { submitting, error, run } = useSubmit(props.onDone);

  const noteProblem = !note.trim()
    ? 'Say what was done, and by whom.'
    : undefined;
  const linkProblem =
    link.trim() && !safeHttpUrl(link.trim())
      ? 'Enter an http(s) URL, or leave it empty.'
      : undefined;
  const n = Number(days);
  const daysProblem =
    !Number.isInteger(n) || n < minDays || n > maxDays
      ? `A whole number of days from ${minDays} to ${maxDays}.`
      : undefined;

  const submit = () => {
    setTouched(true);
    if (noteProblem || linkProblem || daysProblem) return;
    run(() =>
      meshApi.createAttestation({
        entityRef,
        checkId: check.id,
        note: note.trim(),
        ...(link.trim() ? { link: link.trim() } : {}),
        expiresInDays: n,
      }),
    );
  };

  return (
    <FormDialog
      open={props.open}
      id="mesh-attest"
      title={`Attest: ${check.title}`}
      intro={
        <>
          Vouch for this line of the checklist for <code>{entityRef}</code>.
          Your name and the time are recorded; the attestation lapses after the
          days you choose.
        </>
      }
      submitLabel="Attest"
      submitting={submitting}
      error={error}
      onClose={props.onClose}
      onSubmit={submit}
    >
      <CheckedField
        id="mesh-attest-note"
        label="Note"
        problem={noteProblem}
        hint='What was done and where, e.g. "Drill on 2026-01-02 by the payments on-call".'
        touched={touched}
        value={note}
        onChange={e => setNote(e.target.value)}
        multiline
        minRows={2}
        fullWidth
        required
        inputProps={{ maxLength: noteMaxLength }}
      />
      <CheckedField
        id="mesh-attest-link"
        label="Link (optional)"
        problem={linkProblem}
        hint="The runbook, the drill write-up, the record."
        touched={touched}
        value={link}
        onChange={e => setLink(e.target.value)}
        type="url"
        fullWidth
        inputProps={{ maxLength: linkMaxLength }}
      />
      <CheckedField
        id="mesh-attest-days"
        label="Valid for (days)"
        problem={daysProblem}
        hint={`${minDays} to ${maxDays} days.`}
        touched={touched}
        value={days}
        onChange={e => setDays(e.target.value)}
        type="number"
        inputProps={{ min: minDays, max: maxDays, step: 1 }}
        required
      />
    </FormDialog>
  );
}

/** `POST /v1/waivers` for any check: a reason, and optionally the last day it applies. */
export function WaiveDialog(props: {
  open: boolean;
  check: CheckResult;
  entityRef: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { check, entityRef } = props;
  const meshApi = useApi(meshApiRef);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState('');
  const [touched, setTouched] = useState(false);
  const { submitting, error, run } = useSubmit(props.onDone);

  const reasonProblem = !reason.trim()
    ? 'Say why this check does not apply.'
    : undefined;
  const dayProblem = untilProblem(until.trim());

  const submit = () => {
    setTouched(true);
    if (reasonProblem || dayProblem) return;
    run(() =>
      meshApi.createWaiver({
        entityRef,
        checkId: check.id,
        reason: reason.trim(),
        ...(until.trim() ? { until: until.trim() } : {}),
      }),
    );
  };

  return (
    <FormDialog
      open={props.open}
      id="mesh-waive"
      title={`Waive: ${check.title}`}
      intro={
        <>
          A waived check leaves the score and shows as waived, never as passed.
          Its real status stays visible. Your name, the time and the reason are
          recorded for <code>{entityRef}</code>.
        </>
      }
      submitLabel="Waive"
      submitting={submitting}
      error={error}
      onClose={props.onClose}
      onSubmit={submit}
    >
      <CheckedField
        id="mesh-waive-reason"
        label="Reason"
        problem={reasonProblem}
        hint='Why the check does not apply here, e.g. "egress goes through the proxy fleet".'
        touched={touched}
        value={reason}
        onChange={e => setReason(e.target.value)}
        multiline
        minRows={2}
        fullWidth
        required
        inputProps={{ maxLength: WAIVER_LIMITS.reasonMaxLength }}
      />
      <CheckedField
        id="mesh-waive-until"
        label="Until (optional)"
        problem={dayProblem}
        hint="The last day it applies (YYYY-MM-DD); empty: until withdrawn."
        touched={touched}
        value={until}
        onChange={e => setUntil(e.target.value)}
        type="date"
        InputLabelProps={{ shrink: true }}
        inputProps={{ min: todayUtc() }}
      />
    </FormDialog>
  );
}

/** Confirms withdrawing an attestation or a waiver, and runs it. */
export function WithdrawDialog(props: {
  open: boolean;
  what: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  onDone: () => void;
}) {
  const { submitting, error, run } = useSubmit(props.onDone);
  return (
    <FormDialog
      open={props.open}
      id="mesh-withdraw"
      title={`Withdraw ${props.what}?`}
      intro="The check is judged again as if it had never been made; the report is rebuilt."
      submitLabel="Withdraw"
      submitting={submitting}
      error={error}
      onClose={props.onClose}
      onSubmit={() => run(props.onConfirm)}
    >
      {null}
    </FormDialog>
  );
}
