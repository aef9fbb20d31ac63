import { useState } from 'react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
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
import { MeshReportView } from './MeshReportView';
import { RefreshButton } from './SummaryCard';

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
            <Button
              variant="contained"
              color="primary"
              onClick={() => refresh()}
              disabled={refreshing}
            >
              {refreshing ? 'Collecting…' : 'Collect now'}
            </Button>
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
        headerAction={
          <RefreshButton onRefresh={() => refresh()} refreshing={refreshing} />
        }
      />
    </>
  );
}
