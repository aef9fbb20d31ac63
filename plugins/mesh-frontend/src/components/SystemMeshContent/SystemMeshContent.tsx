import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { meshApiRef } from '../../api';
import { ReadinessTrendCard } from '../ScorecardPage/ReadinessTrendCard';
import { useScorecardLink } from './links';
import { SystemComponentsTable } from './SystemComponentsTable';
import { SystemRollupCard } from './SystemRollupCard';

/**
 * How many components the tab lists, the lowest scores first; a larger system's others
 * are one click away in the fleet scorecard.
 */
export const SYSTEM_COMPONENT_LIMIT = 100;

/**
 * The "Mesh" tab of a System: its roll-up, its components (those `partOf` it, with a
 * report) and its trend. Roll-ups, rows and history are keyed by the lower-cased ref,
 * as the backend stores them.
 */
export function SystemMeshContent() {
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  const systemRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const scorecardLink = useScorecardLink({ system: [systemRef] });

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [rollups, page] = await Promise.all([
      meshApi.getScorecardRollups('system', { system: [systemRef] }),
      meshApi.getScorecard({
        system: [systemRef],
        sort: 'score',
        order: 'asc',
        limit: SYSTEM_COMPONENT_LIMIT,
      }),
    ]);
    return {
      rollup: rollups.rollups.find(r => r.key === systemRef),
      page,
    };
  }, [meshApi, systemRef]);

  if (loading && !value) return <Progress />;

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

  const rollup = value?.rollup;
  const page = value?.page;
  if (!rollup || !page || page.rows.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No mesh report for this system's components yet"
        description="This tab aggregates the components that are partOf this system and carry a mapping annotation (backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector). None of them has a report yet: reports are collected on a schedule, and each component's Mesh tab can collect one now."
      />
    );
  }

  const stale = page.rows.filter(r => r.stale).length;
  const name = entity.metadata.title ?? entity.metadata.name;
  return (
    <Grid container spacing={3} alignItems="stretch">
      {stale > 0 && (
        <Grid item xs={12}>
          <WarningPanel
            severity="warning"
            title={`${stale} of ${page.rows.length} ${
              page.rows.length === 1 ? 'report is' : 'reports are'
            } stale`}
            message="A data source failed in their last collection; their figures come from an earlier run. Stale rows are marked in the table."
          />
        </Grid>
      )}
      <Grid item xs={12} md={5}>
        <SystemRollupCard rollup={rollup} />
      </Grid>
      <Grid item xs={12} md={7}>
        <ReadinessTrendCard
          rollup={{ by: 'system', key: systemRef, label: name }}
        />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Components"
          subheader="The ones that need attention first"
          deepLink={
            scorecardLink
              ? { title: 'Open in the fleet scorecard', link: scorecardLink }
              : undefined
          }
        >
          <SystemComponentsTable rows={page.rows} />
          {page.total > page.rows.length && (
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="mesh-system-more"
            >
              Showing the {page.rows.length} lowest scores of {page.total}{' '}
              components
              {scorecardLink ? (
                <>
                  : <Link to={scorecardLink}>see them all</Link>.
                </>
              ) : (
                '.'
              )}
            </Typography>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
