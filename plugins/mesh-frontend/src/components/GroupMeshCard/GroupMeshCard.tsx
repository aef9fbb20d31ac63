import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { orange } from '@material-ui/core/colors';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  InfoCard,
  InfoCardVariants,
  Link,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ReadinessLevel,
  ScorecardRow,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { ReadinessLevelChip } from '../EntityMeshContent/StatusChip';
import { AttentionChecks } from '../SystemMeshContent/AttentionChecks';
import { LevelCounts } from '../SystemMeshContent/LevelCounts';
import { useMeshTabOf, useScorecardLink } from '../SystemMeshContent/links';
import { byAttention, shortName } from '../SystemMeshContent/rows';
import { CardError } from '../shared/CardError';

/** Rows fetched, the lowest scores first: enough to rank a team's services. */
export const GROUP_ROW_LIMIT = 100;
/** Services the card lists; the rest are in the fleet scorecard. */
export const GROUP_SHOWN = 8;

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  service: {
    padding: theme.spacing(1, 0),
    '& + &': { borderTop: `1px solid ${theme.palette.divider}` },
  },
  head: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  name: { fontWeight: 600, whiteSpace: 'nowrap' },
  score: { whiteSpace: 'nowrap' },
  checks: { marginTop: theme.spacing(0.5), paddingLeft: theme.spacing(1) },
  stale: { backgroundColor: orange[800], color: '#fff', fontWeight: 600 },
}));

function Service(props: { row: ScorecardRow; href?: string }) {
  const classes = useStyles();
  const { row, href } = props;
  const title = row.title || shortName(row.entityRef);
  return (
    <li className={classes.service} data-testid="mesh-group-service">
      <div className={classes.head}>
        <Typography variant="body2" component="span" className={classes.name}>
          {href ? <Link to={href}>{title}</Link> : title}
        </Typography>
        <ReadinessLevelChip level={row.level as ReadinessLevel} />
        <Typography
          variant="body2"
          color="textSecondary"
          component="span"
          className={classes.score}
        >
          {Math.round(row.score)} / 100
        </Typography>
        {row.stale && (
          <Chip
            size="small"
            label="stale"
            className={classes.stale}
            data-testid="mesh-group-stale"
          />
        )}
      </div>
      {row.level !== 'production-ready' && (
        <div className={classes.checks}>
          <AttentionChecks row={row} />
        </div>
      )}
    </li>
  );
}

/**
 * A Group page's card: the services the team owns per readiness level, the ones not
 * production-ready first with their worst checks, and the fleet scorecard filtered by
 * the team.
 */
export function GroupMeshCard(props: { variant?: InfoCardVariants }) {
  const classes = useStyles();
  const { entity } = useEntity();
  const meshApi = useApi(meshApiRef);
  // Owners are stored as lower-cased refs, as every ref the backend keys by.
  const groupRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const scorecardLink = useScorecardLink({ owner: [groupRef] });
  const meshTabOf = useMeshTabOf();

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const [rollups, page] = await Promise.all([
      meshApi.getScorecardRollups('group', { owner: [groupRef] }),
      meshApi.getScorecard({
        owner: [groupRef],
        sort: 'score',
        order: 'asc',
        limit: GROUP_ROW_LIMIT,
      }),
    ]);
    return { rollup: rollups.rollups.find(r => r.key === groupRef), page };
  }, [meshApi, groupRef]);

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = (
      <CardError
        what="the team's mesh readiness"
        error={error}
        onRetry={retry}
        testId="mesh-group-error"
      />
    );
  } else if (!value?.rollup || value.page.rows.length === 0) {
    content = (
      <Typography variant="body2" data-testid="mesh-group-empty">
        No service this team owns has a mesh report yet. Reports cover the
        entities with a mapping annotation (backstage.io/kubernetes-id or
        backstage.io/kubernetes-label-selector) whose owner is this group.
      </Typography>
    );
  } else {
    const { rollup, page } = value;
    const shown = byAttention(page.rows).slice(0, GROUP_SHOWN);
    const more = page.total - shown.length;
    content = (
      <>
        <Typography
          variant="body2"
          component="div"
          data-testid="mesh-group-summary"
        >
          {rollup.entities} {rollup.entities === 1 ? 'service' : 'services'} ·
          average score {rollup.averageScore.toFixed(1)}
        </Typography>
        <Box mt={1} mb={1}>
          <LevelCounts
            rollup={rollup}
            label="Services per level"
            testIdPrefix="mesh-group-level"
          />
        </Box>
        <ul className={classes.list} aria-label="The team's services">
          {shown.map(row => (
            <Service
              key={row.entityRef}
              row={row}
              href={meshTabOf(row.entityRef)}
            />
          ))}
        </ul>
        {more > 0 && (
          <Typography
            variant="body2"
            color="textSecondary"
            data-testid="mesh-group-more"
          >
            {more} more{' '}
            {scorecardLink ? (
              <Link to={scorecardLink}>in the fleet scorecard</Link>
            ) : (
              'in the fleet scorecard'
            )}
            .
          </Typography>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Service mesh readiness"
      subheader={`Services owned by ${
        entity.metadata.title ?? entity.metadata.name
      }`}
      variant={props.variant ?? 'gridItem'}
      deepLink={
        scorecardLink
          ? { title: "Open the team's scorecard", link: scorecardLink }
          : undefined
      }
    >
      <div data-testid="mesh-group-card">{content}</div>
    </InfoCard>
  );
}
