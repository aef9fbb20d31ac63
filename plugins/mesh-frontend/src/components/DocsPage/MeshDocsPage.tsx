import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { Content, Header, InfoCard, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CHECK_DEFINITIONS } from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import {
  flavorFor,
  getFlavor,
  GuideFlavorId,
  MESH_GUIDE,
} from '../../docs/meshGuide';
import { toGuideTarget } from '../../docs/placeholders';
import { EntityContext, EntityContextState } from './EntityContext';
import { FlavorGuideView } from './FlavorGuideView';

const useStyles = makeStyles({
  tab: { minWidth: 160, whiteSpace: 'nowrap' },
  code: { fontFamily: 'monospace' },
});

function parseRef(value: string | null): CompoundEntityRef | undefined {
  if (!value) return undefined;
  try {
    const ref = parseEntityRef(value, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    return ref.name ? ref : undefined;
  } catch {
    return undefined;
  }
}

const FLAVOR_IDS = MESH_GUIDE.flavors.map(f => f.id);

function isFlavor(value: string | null): value is GuideFlavorId {
  return FLAVOR_IDS.includes(value as GuideFlavorId);
}

/** The reference document's four steps and the namespaces to be careful with. */
function SequenceCard() {
  return (
    <InfoCard title="The rollout sequence">
      <Typography variant="body2" paragraph>
        {MESH_GUIDE.intro}
      </Typography>
      <Box component="ol" pl={3} m={0} data-testid="mesh-docs-sequence">
        {MESH_GUIDE.sequence.map(step => (
          <li key={step}>
            <Typography variant="body2">{step}</Typography>
          </li>
        ))}
      </Box>
      <Box mt={1}>
        <Typography variant="body2" color="textSecondary">
          {MESH_GUIDE.sequenceCaution}
        </Typography>
      </Box>
    </InfoCard>
  );
}

function AvoidCard() {
  const classes = useStyles();
  const { avoid } = MESH_GUIDE;
  return (
    <InfoCard title="What to avoid">
      <Typography variant="body2" paragraph>
        {avoid.intro}
      </Typography>
      <Box component="ul" pl={3} m={0} data-testid="mesh-docs-avoid">
        {avoid.items.map(item => (
          <li key={item.title}>
            <Typography variant="subtitle2" component="h4">
              {item.title}
            </Typography>
            <Typography variant="body2" paragraph>
              {item.text}
              {item.checkId && (
                <>
                  {' '}
                  Watched by{' '}
                  <span className={classes.code}>{item.checkId}</span> (
                  {CHECK_DEFINITIONS[item.checkId]?.title}).
                </>
              )}
            </Typography>
          </li>
        ))}
      </Box>
      <Typography variant="body2">{avoid.benchmark}</Typography>
    </InfoCard>
  );
}

function WhenNotCard() {
  const classes = useStyles();
  const w = MESH_GUIDE.whenNotToMesh;
  return (
    <InfoCard title="When not to use a mesh at all">
      <Box data-testid="mesh-docs-when-not">
        <Typography variant="body2">{w.intro}</Typography>
        <Box component="ul" pl={3}>
          {w.alternatives.map(a => (
            <li key={a}>
              <Typography variant="body2">{a}</Typography>
            </li>
          ))}
        </Box>
        <Typography variant="body2" paragraph>
          {w.adoptWhen}
        </Typography>
        <Typography variant="subtitle2" component="h4">
          When to pull the plug
        </Typography>
        <Box component="ul" pl={3}>
          {w.pullThePlug.map(a => (
            <li key={a}>
              <Typography variant="body2">{a}</Typography>
            </li>
          ))}
        </Box>
        <Typography variant="body2">
          {w.landing} The <span className={classes.code}>{w.checkId}</span>{' '}
          check flags a mesh used for little more than mTLS.
        </Typography>
      </Box>
    </InfoCard>
  );
}

/**
 * `/mesh/docs`: the self-service "how to mesh / unmesh a workload" guide for Istio
 * sidecar, Istio ambient and Linkerd. With `?entity=<ref>` the commands are filled in
 * with that entity's namespaces and workloads, read from its mesh report.
 */
export function MeshDocsPage() {
  const classes = useStyles();
  const meshApi = useApi(meshApiRef);
  const [searchParams] = useSearchParams();
  const entityParam = searchParams.get('entity');
  const flavorParam = searchParams.get('flavor');
  const ref = parseRef(entityParam);
  const entityRef = ref ? stringifyEntityRef(ref) : undefined;

  const [pickedFlavor, setPickedFlavor] = useState<GuideFlavorId>();
  const [workloadIndex, setWorkloadIndex] = useState(0);

  const { value, loading, error, retry } = useAsyncRetry(async () => {
    if (!ref) return undefined;
    return (await meshApi.getReport(ref)) ?? null;
  }, [meshApi, entityRef]);

  let state: EntityContextState;
  if (!entityParam) state = { kind: 'none' };
  else if (!ref || !entityRef) state = { kind: 'invalid', value: entityParam };
  else if (error) state = { kind: 'error', entityRef, error, retry };
  else if (loading || value === undefined)
    state = { kind: 'loading', entityRef };
  else if (value === null) state = { kind: 'no-report', entityRef };
  else state = { kind: 'report', entityRef, report: value };

  const report = state.kind === 'report' ? state.report : undefined;
  const workload = report?.workloads[workloadIndex] ?? report?.workloads[0];
  const target = toGuideTarget(workload);

  const flavorId: GuideFlavorId =
    pickedFlavor ??
    (isFlavor(flavorParam) ? flavorParam : undefined) ??
    flavorFor(workload?.provider ? workload : report?.mesh) ??
    'istio-sidecar';
  const flavor = getFlavor(flavorId);

  return (
    <Page themeId="tool">
      <Header
        title={MESH_GUIDE.title}
        subtitle="Istio sidecar, Istio ambient and Linkerd: roll out, verify, roll back"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <EntityContext
              state={state}
              workloadIndex={workloadIndex}
              onWorkloadChange={setWorkloadIndex}
              target={target}
            />
          </Grid>
          <Grid item xs={12}>
            <SequenceCard />
          </Grid>
          <Grid item xs={12}>
            <Paper>
              <Tabs
                value={flavorId}
                onChange={(_e, v: GuideFlavorId) => setPickedFlavor(v)}
                aria-label="Data plane"
                indicatorColor="primary"
                textColor="primary"
                variant="scrollable"
                scrollButtons="auto"
              >
                {MESH_GUIDE.flavors.map(f => (
                  <Tab
                    key={f.id}
                    value={f.id}
                    label={f.title}
                    className={classes.tab}
                    id={`mesh-docs-tab-${f.id}`}
                    aria-controls={`mesh-docs-panel-${f.id}`}
                  />
                ))}
              </Tabs>
            </Paper>
          </Grid>
          <Grid
            item
            xs={12}
            role="tabpanel"
            id={`mesh-docs-panel-${flavor.id}`}
            aria-labelledby={`mesh-docs-tab-${flavor.id}`}
          >
            <FlavorGuideView guide={flavor} target={target} report={report} />
          </Grid>
          <Grid item xs={12} lg={6}>
            <AvoidCard />
          </Grid>
          <Grid item xs={12} lg={6}>
            <WhenNotCard />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
