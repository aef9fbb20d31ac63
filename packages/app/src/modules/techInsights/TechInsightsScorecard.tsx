import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import useAsync from 'react-use/esm/useAsync';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { runChecks, TechInsightsCheckResult } from './runChecks';

const useStyles = makeStyles(theme => ({
  passed: {
    color: theme.palette.success.main,
    borderColor: theme.palette.success.main,
  },
  failed: {
    color: theme.palette.error.main,
    borderColor: theme.palette.error.main,
  },
  status: { whiteSpace: 'nowrap', width: '1%' },
}));

function ResultChip(props: { id: string; passed: boolean }) {
  const classes = useStyles();
  const { id, passed } = props;
  const className = passed ? classes.passed : classes.failed;
  return (
    <Chip
      size="small"
      variant="outlined"
      label={passed ? 'Passed' : 'Failed'}
      icon={
        passed ? (
          <CheckCircleIcon className={className} />
        ) : (
          <CancelIcon className={className} />
        )
      }
      className={className}
      data-testid={`tech-insights-result-${id}`}
    />
  );
}

function ChecksTable(props: { results: TechInsightsCheckResult[] }) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label="Tech Insights checks">
      <TableHead>
        <TableRow>
          <TableCell>Check</TableCell>
          <TableCell>Description</TableCell>
          <TableCell className={classes.status}>Result</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.results.map(({ check, result }) => (
          <TableRow
            key={check.id}
            data-testid={`tech-insights-check-${check.id}`}
          >
            <TableCell>{check.name}</TableCell>
            <TableCell>{check.description}</TableCell>
            <TableCell className={classes.status}>
              <ResultChip id={check.id} passed={result === true} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The entity's Tech Insights checks with their pass/fail, as the Tech Insights backend
 * runs them now. A demo-only stand-in for the community frontend's
 * `EntityTechInsightsScorecardContent`, which is not published to the registry this
 * demo installs from; adopters use that instead.
 */
export function TechInsightsScorecard() {
  const { entity } = useEntity();
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const entityRef = getCompoundEntityRef(entity);
  const { loading, error, value } = useAsync(
    () => runChecks({ discoveryApi, fetchApi }, entityRef),
    [
      discoveryApi,
      fetchApi,
      entityRef.namespace,
      entityRef.kind,
      entityRef.name,
    ],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No checks"
        description="Tech Insights holds no facts for this entity yet, so no check ran. Checks show once the fact retrievers have run."
      />
    );
  }
  return (
    <InfoCard title="Tech Insights scorecard" noPadding>
      <ChecksTable results={value} />
    </InfoCard>
  );
}
