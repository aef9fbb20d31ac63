import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { RefreshResponse } from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { useMeshActions } from './actions';
import { HistoryState } from './HealthCard';
import { latencyBudgetMs } from './history';
import { MeshReportView } from './MeshReportView';
import { RefreshButton } from './SummaryCard';
import { REFRESH_DENIED_REASON, useRefreshAccess } from './refreshPermission';

/** Days of history behind the sparklines. */
export const HISTORY_DAYS = 30;

function RefreshOutcome(props: { error?: Error; result?: RefreshResponse }) {
  if (props.error) {
    return (
      <WarningPanel
        severity="error"
        title="Collection failed"
        defaultExpanded
        message={props.error.message}
      />
    );
  }
  const failed = props.result?.clusters.filter(c => !c.ok) ?? [];
  if (failed.length === 0) return null;
  return (
    <WarningPanel
      severity="warning"
      title="Collection failed for some clusters"
      defaultExpanded
      message={failed.map(c => `${c.name}: ${c.error ?? 'failed'}`).join('; ')}
    />
  );
}

/** The "Mesh" tab of an entity page. */
export function EntityMeshContent() {
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  const entityRef = stringifyEntityRef(entity);
  // Bumped after a collection, to read the new report.
  const [generation, setGeneration] = useState(0);

  const {
    value: report,
    loading,
    error,
    retry,
  } = useAsyncRetry(
    () => meshApi.getReport(getCompoundEntityRef(entity)),
    // The entity object may be rebuilt on each catalog refresh; its ref is stable.
    [meshApi, entityRef, generation],
  );

  const history = useAsyncRetry(
    () => meshApi.getHistory(getCompoundEntityRef(entity), HISTORY_DAYS),
    [meshApi, entityRef, generation],
  );
  let historyState: HistoryState = { state: 'loading' };
  if (history.error) {
    historyState = {
      state: 'error',
      error: history.error,
      retry: history.retry,
    };
  } else if (history.value) {
    historyState = { state: 'ready', points: history.value.points };
  }

  const actions = useMeshActions(entityRef);
  const refreshAccess = useRefreshAccess();

  const [refreshState, refresh] = useAsyncFn(async () => {
    try {
      return await meshApi.refresh(entityRef);
    } finally {
      // Reload even after a failed run: the backend keeps the last good report,
      // now marked stale.
      setGeneration(g => g + 1);
    }
  }, [meshApi, entityRef]);

  const refreshing = refreshState.loading;
  const outcome = !refreshing && (
    <RefreshOutcome error={refreshState.error} result={refreshState.value} />
  );

  if (loading && !report) {
    return <Progress />;
  }

  if (error) {
    return (
      <Grid container spacing={2} direction="column">
        <Grid item>
          <ResponseErrorPanel error={error} defaultExpanded />
        </Grid>
        <Grid item>
          <Button variant="contained" color="primary" onClick={retry}>
            Retry
          </Button>
        </Grid>
      </Grid>
    );
  }

  if (!report) {
    return (
      <>
        {refreshing && <LinearProgress data-testid="mesh-refreshing" />}
        {outcome}
        <EmptyState
          missing="data"
          title="No mesh report yet"
          description="The mesh plugin has not collected a report for this entity yet. Reports are collected on a schedule; you can also collect one now (it may take a few seconds)."
          action={
            <Tooltip
              title={refreshAccess === 'denied' ? REFRESH_DENIED_REASON : ''}
            >
              <span data-testid="mesh-collect-tooltip">
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => refresh()}
                  disabled={refreshing || refreshAccess !== 'allowed'}
                >
                  {refreshing ? 'Collecting…' : 'Collect now'}
                </Button>
              </span>
            </Tooltip>
          }
        />
      </>
    );
  }

  return (
    <>
      {(refreshing || loading) && (
        <LinearProgress data-testid="mesh-refreshing" />
      )}
      {outcome}
      <MeshReportView
        report={report}
        entityRef={entityRef}
        headerAction={
          <RefreshButton
            onRefresh={() => refresh()}
            refreshing={refreshing}
            access={refreshAccess}
          />
        }
        history={historyState}
        latencyBudgetMs={latencyBudgetMs(entity)}
        actions={actions}
        generation={generation}
        onChanged={() => setGeneration(g => g + 1)}
      />
    </>
  );
}
