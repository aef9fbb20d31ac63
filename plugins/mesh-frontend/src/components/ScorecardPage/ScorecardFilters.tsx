import { FormEvent, useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { ReadinessLevel } from '@mesh-readiness/plugin-mesh-common';
import { ScorecardFilters as Filters } from '../../api';
import { HEAT_STATUSES } from './CheckHeatMap';

const LEVELS: ReadinessLevel[] = [
  'production-ready',
  'almost-ready',
  'not-ready',
  'not-meshed',
  'unmapped',
];

const PROVIDERS = [
  { value: 'istio', label: 'Istio' },
  { value: 'linkerd', label: 'Linkerd' },
  { value: 'none', label: 'none' },
  { value: 'unknown', label: 'unknown' },
];

const useStyles = makeStyles(theme => ({
  form: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
  },
  text: { minWidth: 160 },
  search: { minWidth: 220 },
  select: { minWidth: 150 },
  checkSelect: { minWidth: 240 },
  buttons: { display: 'flex', gap: theme.spacing(1) },
}));

interface Draft {
  q: string;
  owner: string;
  system: string;
  namespace: string;
  provider: string;
  level: string;
  checkId: string;
  checkStatus: string;
}

/** Comma-separated text to a list: `a, b` → `['a', 'b']`. */
function split(text: string): string[] | undefined {
  const values = text
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
  return values.length ? values : undefined;
}

function toDraft(filters: Filters): Draft {
  const [checkId = '', checkStatus = ''] = (() => {
    const check = filters.check?.[0];
    if (!check) return [];
    const at = check.lastIndexOf(':');
    return at > 0 ? [check.slice(0, at), check.slice(at + 1)] : [check];
  })();
  return {
    q: filters.q ?? '',
    owner: (filters.owner ?? []).join(', '),
    system: (filters.system ?? []).join(', '),
    namespace: (filters.namespace ?? []).join(', '),
    provider: filters.provider?.[0] ?? '',
    level: filters.level?.[0] ?? '',
    checkId,
    checkStatus,
  };
}

function fromDraft(draft: Draft, previous: Filters): Filters {
  const filters: Filters = {};
  // Filters the form does not show (domain, cluster, extra values) are kept.
  if (previous.domain) filters.domain = previous.domain;
  if (previous.cluster) filters.cluster = previous.cluster;
  if (draft.q.trim()) filters.q = draft.q.trim();
  const owner = split(draft.owner);
  if (owner) filters.owner = owner;
  const system = split(draft.system);
  if (system) filters.system = system;
  const namespace = split(draft.namespace);
  if (namespace) filters.namespace = namespace;
  if (draft.provider) filters.provider = [draft.provider];
  if (draft.level) filters.level = [draft.level];
  if (draft.checkId && draft.checkStatus) {
    filters.check = [`${draft.checkId}:${draft.checkStatus}`];
  }
  return filters;
}

/**
 * The scorecard's filters. Text fields apply on Enter or "Apply"; the selects apply
 * as soon as they change (a check filter once both its check and status are chosen).
 */
export function ScorecardFilters(props: {
  filters: Filters;
  checkIds: string[];
  titles: Record<string, string>;
  onChange: (filters: Filters) => void;
}) {
  const classes = useStyles();
  const { filters, onChange } = props;
  const [draft, setDraft] = useState<Draft>(() => toDraft(filters));

  // The URL is the source of truth: follow it on back/forward navigation.
  useEffect(() => setDraft(toDraft(filters)), [filters]);

  const apply = (next: Draft) => onChange(fromDraft(next, filters));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };

  const text = (key: keyof Draft) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) =>
      setDraft({ ...draft, [key]: e.target.value }),
  });

  const select = (key: keyof Draft) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => {
      const next = { ...draft, [key]: e.target.value };
      setDraft(next);
      const checkIncomplete =
        (key === 'checkId' || key === 'checkStatus') &&
        Boolean(next.checkId) !== Boolean(next.checkStatus);
      if (!checkIncomplete) apply(next);
    },
  });

  return (
    <form
      className={classes.form}
      onSubmit={onSubmit}
      aria-label="Scorecard filters"
      role="search"
    >
      <TextField
        id="mesh-filter-q"
        label="Search"
        placeholder="name, title, ref"
        className={classes.search}
        {...text('q')}
      />
      <TextField
        id="mesh-filter-owner"
        label="Owner"
        placeholder="group:default/team-a"
        className={classes.text}
        {...text('owner')}
      />
      <TextField
        id="mesh-filter-system"
        label="System"
        className={classes.text}
        {...text('system')}
      />
      <TextField
        id="mesh-filter-namespace"
        label="Namespace"
        className={classes.text}
        {...text('namespace')}
      />
      <TextField
        id="mesh-filter-provider"
        label="Provider"
        select
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        className={classes.select}
        {...select('provider')}
      >
        <option value="">any</option>
        {PROVIDERS.map(p => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </TextField>
      <TextField
        id="mesh-filter-level"
        label="Level"
        select
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        className={classes.select}
        {...select('level')}
      >
        <option value="">any</option>
        {LEVELS.map(level => (
          <option key={level} value={level}>
            {level}
          </option>
        ))}
      </TextField>
      <TextField
        id="mesh-filter-check"
        label="Check"
        select
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        className={classes.checkSelect}
        {...select('checkId')}
      >
        <option value="">any</option>
        {props.checkIds.map(id => (
          <option key={id} value={id}>
            {props.titles[id] ? `${props.titles[id]} (${id})` : id}
          </option>
        ))}
      </TextField>
      <TextField
        id="mesh-filter-check-status"
        label="Check status"
        select
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true }}
        className={classes.select}
        {...select('checkStatus')}
      >
        <option value="">any</option>
        {HEAT_STATUSES.map(status => (
          <option key={status} value={status}>
            {status}
          </option>
        ))}
      </TextField>
      <div className={classes.buttons}>
        <Button type="submit" variant="contained" color="primary">
          Apply
        </Button>
        <Button type="button" variant="outlined" onClick={() => onChange({})}>
          Clear
        </Button>
      </div>
    </form>
  );
}
