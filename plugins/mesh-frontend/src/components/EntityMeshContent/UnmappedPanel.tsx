import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { InfoCard } from '@backstage/core-components';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  CHECK_IDS,
  MeshReport,
} from '@mesh-readiness/plugin-mesh-common';

const useStyles = makeStyles(theme => ({
  pre: {
    whiteSpace: 'pre-wrap',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    padding: theme.spacing(1.5),
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
  },
}));

const EXAMPLE = `metadata:
  annotations:
    ${ANNOTATION_KUBERNETES_ID}: <value of the app.kubernetes.io/name or app label of your pods>
    # or, for several workloads:
    # ${ANNOTATION_KUBERNETES_LABEL_SELECTOR}: 'app.kubernetes.io/part-of=shop'`;

/** The entity maps to no workload: explain how to annotate it. */
export function UnmappedPanel(props: { report: MeshReport }) {
  const classes = useStyles();
  const enrollment = props.report.checks.find(
    c => c.id === CHECK_IDS.enrollment,
  );
  return (
    <InfoCard title="This entity is not mapped to any Kubernetes workload">
      <div data-testid="mesh-unmapped">
        <Typography variant="body1" paragraph>
          The mesh plugin finds an entity's pods through the Kubernetes plugin's
          annotations. Add the <code>{ANNOTATION_KUBERNETES_ID}</code>{' '}
          annotation (or <code>{ANNOTATION_KUBERNETES_LABEL_SELECTOR}</code>) to
          this entity's <code>catalog-info.yaml</code>, then refresh.
        </Typography>
        <pre className={classes.pre}>{EXAMPLE}</pre>
        {enrollment?.summary && (
          <Typography variant="body2" paragraph>
            {enrollment.summary}
          </Typography>
        )}
        {enrollment?.remediation && (
          <pre
            className={classes.pre}
            data-testid={`mesh-check-remediation-${enrollment.id}`}
          >
            {enrollment.remediation}
          </pre>
        )}
      </div>
    </InfoCard>
  );
}
