import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { green, grey, orange, red } from '@material-ui/core/colors';
import {
  CheckStatus,
  HealthStatus,
  ReadinessLevel,
} from '@mesh-readiness/plugin-mesh-common';
import type { LineVerdict } from './coverage';

type Tone = 'good' | 'warn' | 'bad' | 'neutral' | 'faint';

const useStyles = makeStyles({
  chip: { fontWeight: 600 },
  good: { backgroundColor: green[700], color: '#fff' },
  warn: { backgroundColor: orange[800], color: '#fff' },
  bad: { backgroundColor: red[700], color: '#fff' },
  neutral: { backgroundColor: grey[600], color: '#fff' },
  faint: { backgroundColor: grey[200], color: grey[800] },
});

const CHECK_TONES: Record<CheckStatus, Tone> = {
  pass: 'good',
  warn: 'warn',
  fail: 'bad',
  unknown: 'neutral',
  'not-applicable': 'faint',
  waived: 'faint',
};

const HEALTH_TONES: Record<HealthStatus, Tone> = {
  healthy: 'good',
  degraded: 'warn',
  failing: 'bad',
  idle: 'faint',
  unknown: 'neutral',
};

function ToneChip(props: { label: string; tone: Tone; testId?: string }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.label}
      className={`${classes.chip} ${classes[props.tone]}`}
      data-testid={props.testId}
    />
  );
}

const LINE_TONES: Record<LineVerdict, Tone> = {
  pass: 'good',
  warn: 'warn',
  fail: 'bad',
  waived: 'faint',
  'not-applicable': 'faint',
  'not-measured': 'neutral',
};

/** A checklist line's verdict; `not-measured` reads as words. */
export function LineVerdictChip(props: {
  verdict: LineVerdict;
  testId?: string;
}) {
  return (
    <ToneChip
      label={props.verdict === 'not-measured' ? 'not measured' : props.verdict}
      tone={LINE_TONES[props.verdict] ?? 'neutral'}
      testId={props.testId}
    />
  );
}

/** A check status; the label is the status itself (`pass`, `not-applicable`, ...). */
export function CheckStatusChip(props: { status: CheckStatus }) {
  return (
    <ToneChip
      label={props.status}
      tone={CHECK_TONES[props.status] ?? 'neutral'}
    />
  );
}

export function HealthStatusChip(props: {
  status: HealthStatus;
  testId?: string;
}) {
  return (
    <ToneChip
      label={props.status}
      tone={HEALTH_TONES[props.status] ?? 'neutral'}
      testId={props.testId}
    />
  );
}

const LEVEL_TONES: Record<ReadinessLevel, Tone> = {
  'production-ready': 'good',
  'almost-ready': 'warn',
  'not-ready': 'bad',
  'not-meshed': 'neutral',
  unmapped: 'faint',
};

export function ReadinessLevelChip(props: { level: ReadinessLevel }) {
  return (
    <ToneChip
      label={props.level}
      tone={LEVEL_TONES[props.level] ?? 'neutral'}
      testId="mesh-readiness-level"
    />
  );
}
