import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import {
  CHECK_DEFINITIONS,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';
import { CheckStatusChip } from '../EntityMeshContent/StatusChip';
import { FlavorGuide } from '../../docs/meshGuide';
import { GuideTarget } from '../../docs/placeholders';
import { GuideSteps } from './GuideSteps';

const useStyles = makeStyles({
  scroll: { overflowX: 'auto' },
  nowrap: { whiteSpace: 'nowrap' },
  code: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
});

function MarkersTable(props: { guide: FlavorGuide }) {
  const classes = useStyles();
  return (
    <div className={classes.scroll}>
      <Table
        size="small"
        aria-label={`${props.guide.title} labels and annotations`}
      >
        <TableHead>
          <TableRow>
            <TableCell className={classes.nowrap}>Key</TableCell>
            <TableCell className={classes.nowrap}>Value</TableCell>
            <TableCell className={classes.nowrap}>Type</TableCell>
            <TableCell className={classes.nowrap}>Set on</TableCell>
            <TableCell>Meaning</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.guide.markers.map(m => (
            <TableRow key={m.key}>
              <TableCell className={classes.code}>{m.key}</TableCell>
              <TableCell className={classes.code}>{m.value}</TableCell>
              <TableCell className={classes.nowrap}>{m.kind}</TableCell>
              <TableCell className={classes.nowrap}>{m.on}</TableCell>
              <TableCell>{m.meaning}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

/** The checks that turn green once the rollout worked, with the entity's current status. */
function VerifyChecksTable(props: { guide: FlavorGuide; report?: MeshReport }) {
  const classes = useStyles();
  const { guide, report } = props;
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label="Checks that turn green">
        <TableHead>
          <TableRow>
            <TableCell className={classes.nowrap}>Check</TableCell>
            <TableCell>Green when</TableCell>
            {report && <TableCell className={classes.nowrap}>Now</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {guide.verify.checks.map(c => {
            const current = report?.checks.find(r => r.id === c.id);
            return (
              <TableRow key={c.id} data-testid={`mesh-docs-verify-${c.id}`}>
                <TableCell>
                  <Typography variant="body2" className={classes.nowrap}>
                    {CHECK_DEFINITIONS[c.id]?.title ?? c.id}
                  </Typography>
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    className={classes.code}
                  >
                    {c.id}
                  </Typography>
                </TableCell>
                <TableCell>{c.greenWhen}</TableCell>
                {report && (
                  <TableCell>
                    {current ? (
                      <CheckStatusChip status={current.status} />
                    ) : (
                      <Typography variant="body2" color="textSecondary">
                        not in report
                      </Typography>
                    )}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}

/** One data plane's guide: its labels, rollout, verification and rollback. */
export function FlavorGuideView(props: {
  guide: FlavorGuide;
  target: GuideTarget;
  report?: MeshReport;
}) {
  const { guide, target, report } = props;
  return (
    <Grid container spacing={3} data-testid={`mesh-docs-flavor-${guide.id}`}>
      <Grid item xs={12}>
        <InfoCard title={`${guide.title}: labels and annotations`} noPadding>
          <Box px={2} pt={2}>
            <Typography variant="body2" paragraph>
              {guide.summary}
            </Typography>
          </Box>
          <MarkersTable guide={guide} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Roll out, namespace by namespace">
          <GuideSteps
            steps={guide.rollout}
            target={target}
            testId="mesh-docs-rollout"
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Verify">
          <GuideSteps
            steps={guide.verify.steps}
            target={target}
            testId="mesh-docs-verify"
          />
          <Typography variant="subtitle1" component="h4" gutterBottom>
            Checks of this plugin that turn green
          </Typography>
          <VerifyChecksTable guide={guide} report={report} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Roll back">
          <GuideSteps
            steps={guide.rollback}
            target={target}
            testId="mesh-docs-rollback"
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
