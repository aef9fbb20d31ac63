import { useMemo, useRef, useState } from 'react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import GetAppIcon from '@material-ui/icons/GetApp';
import useAsync from 'react-use/esm/useAsync';
import { useSearchParams } from 'react-router-dom';
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CHECK_DEFINITIONS,
  ScorecardPage,
  ScorecardSortColumn,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef, ScorecardFilters as Filters } from '../../api';
import { HeatMapLegend } from './CheckHeatMap';
import { ReadinessTrendCard, TrendRollup } from './ReadinessTrendCard';
import { RollupsCard, RolloutCard } from './RollupCards';
import { ScorecardFilters } from './ScorecardFilters';
import { ScorecardTable } from './ScorecardTable';
import { SummaryCards } from './SummaryCards';
import {
  ScorecardViewState,
  hasFilters,
  parseViewState,
  toScorecardQuery,
  toSearchParams,
} from './urlState';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** Check ids in catalog order (the backend's, else the shared definitions), then any extra. */
function useCheckCatalog() {
  const meshApi = useApi(meshApiRef);
  const { value } = useAsync(
    () => meshApi.getChecks().catch(() => undefined),
    [meshApi],
  );
  return useMemo(() => {
    const definitions = value?.checks ?? Object.values(CHECK_DEFINITIONS);
    const titles: Record<string, string> = {};
    for (const d of definitions) titles[d.id] = d.title;
    return { ids: definitions.map(d => d.id), titles };
  }, [value]);
}

function CsvExportButton(props: { state: ScorecardViewState }) {
  const meshApi = useApi(meshApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const onClick = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const blob = await meshApi.getScorecardCsv({
        ...props.state.filters,
        sort: props.state.sort,
        order: props.state.order,
      });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = 'mesh-scorecard.csv';
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        variant="outlined"
        startIcon={<GetAppIcon />}
        onClick={onClick}
        disabled={busy}
      >
        {busy ? 'Exporting…' : 'Export CSV'}
      </Button>
      {error && (
        <Typography color="error" role="alert" variant="body2">
          CSV export failed: {error.message}
        </Typography>
      )}
    </>
  );
}

/** The table, with its loading, error and no-match states; earlier rows stay while paging. */
function FleetTable(props: {
  state: ScorecardViewState;
  checks: { ids: string[]; titles: Record<string, string> };
  onState: (state: ScorecardViewState) => void;
}) {
  const { state, onState } = props;
  const meshApi = useApi(meshApiRef);
  const query = toScorecardQuery(state);
  const key = JSON.stringify(query);
  const { value, loading, error } = useAsync(
    () => meshApi.getScorecard(query),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [meshApi, key],
  );
  const last = useRef<ScorecardPage>();
  if (value) last.current = value;
  const page = value ?? last.current;

  const checkIds = useMemo(() => {
    const extra = new Set<string>();
    for (const row of page?.rows ?? []) {
      for (const id of Object.keys(row.checks)) {
        if (!props.checks.ids.includes(id)) extra.add(id);
      }
    }
    return [...props.checks.ids, ...[...extra].sort()];
  }, [page, props.checks.ids]);

  if (error) return <ResponseErrorPanel error={error} />;
  if (!page) return <Progress />;
  if (!loading && page.total === 0) {
    return (
      <EmptyState
        missing="data"
        title="No entities match these filters"
        description="Change or clear the filters to see more of the fleet."
        action={
          <Button
            variant="outlined"
            onClick={() => onState({ ...state, filters: {}, page: 0 })}
          >
            Clear filters
          </Button>
        }
      />
    );
  }
  const staleOnPage = page.rows.filter(r => r.stale).length;
  return (
    <>
      {staleOnPage > 0 && (
        <WarningPanel
          severity="warning"
          title={`${staleOnPage} stale ${
            staleOnPage === 1 ? 'report' : 'reports'
          } on this page`}
          message="Marked rows show the last good data: a source failed or collection stopped."
        />
      )}
      <ScorecardTable
        page={page}
        loading={loading}
        checkIds={checkIds}
        titles={props.checks.titles}
        sort={state.sort}
        order={state.order}
        pageIndex={state.page}
        pageSize={state.pageSize}
        onSort={(sort: ScorecardSortColumn, order) =>
          onState({ ...state, sort, order, page: 0 })
        }
        onPage={(next, pageSize) => onState({ ...state, page: next, pageSize })}
      />
    </>
  );
}

/** The fleet scorecard page for platform teams (`/mesh`). */
export function MeshScorecardPage() {
  const classes = useStyles();
  const meshApi = useApi(meshApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const state = useMemo(
    () => parseViewState(new URLSearchParams(search)),
    [search],
  );
  const filtersKey = JSON.stringify(state.filters);
  // Stable identity per distinct filter set, so children refetch only on change.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filters = useMemo<Filters>(() => state.filters, [filtersKey]);
  const checks = useCheckCatalog();
  const [trendOf, setTrendOf] = useState<TrendRollup>();

  const onState = (next: ScorecardViewState) =>
    setSearchParams(toSearchParams(next));

  const summary = useAsync(
    () => meshApi.getScorecardSummary(filters),
    [meshApi, filters],
  );

  const filtered = hasFilters(filters);
  let content;
  if (summary.loading && !summary.value) {
    content = <Progress />;
  } else if (summary.error) {
    content = <ResponseErrorPanel error={summary.error} />;
  } else if (summary.value && summary.value.entities === 0 && !filtered) {
    content = (
      <EmptyState
        missing="data"
        title="No mesh reports yet"
        description="No entity has been collected yet. Reports appear after the first collection run (see the mesh.schedule setting), for entities that carry a backstage.io/kubernetes-id or -label-selector annotation."
      />
    );
  } else {
    content = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          {summary.value && <SummaryCards summary={summary.value} />}
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Entities" noPadding={false}>
            <div className={classes.toolbar}>
              <ScorecardFilters
                filters={filters}
                checkIds={checks.ids}
                titles={checks.titles}
                onChange={next => onState({ ...state, filters: next, page: 0 })}
              />
            </div>
            <div className={classes.toolbar}>
              <HeatMapLegend />
              <CsvExportButton state={state} />
            </div>
            <FleetTable state={state} checks={checks} onState={onState} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} lg={6}>
          <RollupsCard
            filters={filters}
            trendOf={trendOf}
            onTrend={setTrendOf}
          />
        </Grid>
        <Grid item xs={12} lg={6} data-testid="mesh-trend-card">
          <ReadinessTrendCard
            rollup={trendOf}
            onShowFleet={() => setTrendOf(undefined)}
          />
        </Grid>
        <Grid item xs={12}>
          <RolloutCard filters={filters} />
        </Grid>
      </Grid>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Mesh scorecard"
        subtitle="Which services and namespaces are ready, what sidecars cost, where rollout stands"
      />
      <Content>
        <ContentHeader title="Fleet readiness">
          <Typography variant="body2" className={classes.nowrap}>
            {summary.value
              ? `${summary.value.entities} entities${
                  filtered ? ' (filtered)' : ''
                }`
              : ''}
          </Typography>
        </ContentHeader>
        {content}
      </Content>
    </Page>
  );
}
