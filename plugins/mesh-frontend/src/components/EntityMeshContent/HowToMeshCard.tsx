import Typography from '@material-ui/core/Typography';
import { InfoCard, Link } from '@backstage/core-components';
import { MeshReport } from '@mesh-readiness/plugin-mesh-common';
import {
  flavorFor,
  getFlavor,
  GuideStep,
  meshDocsHref,
} from '../../docs/meshGuide';
import { fillTemplate, isDns1123Label } from '../../docs/placeholders';
import { CommandBlock } from './CommandBlock';

/** The guide's namespace-wide rollback step of a flavor. */
function namespaceRollback(steps: GuideStep[]): GuideStep | undefined {
  return steps.find(s => /namespace/i.test(s.title)) ?? steps[steps.length - 1];
}

/**
 * "How to mesh / unmesh this workload": the docs page filled in for this entity, and,
 * inline, how to take this entity's namespace out of the mesh.
 */
export function HowToMeshCard(props: {
  report: MeshReport;
  entityRef: string;
}) {
  const { report, entityRef } = props;
  const flavorId = flavorFor(report.mesh);
  const flavor = flavorId ? getFlavor(flavorId) : undefined;
  const step = flavor ? namespaceRollback(flavor.rollback) : undefined;
  const namespaces = [
    ...new Set(report.workloads.map(w => w.namespace)),
  ].filter(isDns1123Label);
  return (
    <InfoCard title="How to mesh / unmesh this workload">
      <div data-testid="mesh-howto">
        <Typography variant="body2" paragraph>
          <Link to={meshDocsHref(entityRef)} data-testid="mesh-howto-link">
            Open the guide for {entityRef}
          </Link>
          : rollout namespace by namespace, how to verify, how to roll back, and
          what not to mesh, with commands filled in for its workloads.
        </Typography>
        {step && namespaces.length > 0 ? (
          <>
            <Typography variant="subtitle2" component="h4">
              Roll back ({flavor!.title}): {step.title.toLowerCase()}
            </Typography>
            <Typography variant="body2" paragraph color="textSecondary">
              {step.text}
            </Typography>
            {namespaces.map(ns =>
              (step.snippets ?? []).map(s => (
                <CommandBlock
                  key={`${ns}/${s.title}`}
                  title={`${s.title} (${ns})`}
                  label={`${s.title} (${ns})`}
                  text={fillTemplate(s.template, { namespace: ns })}
                  testId="mesh-howto-rollback"
                />
              )),
            )}
          </>
        ) : (
          <Typography variant="body2" data-testid="mesh-howto-no-rollback">
            {flavor
              ? 'No workload of this entity was found, so there is no namespace to roll back.'
              : 'This entity is not in a mesh, so there is nothing to roll back; the guide shows how to mesh it.'}
          </Typography>
        )}
      </div>
    </InfoCard>
  );
}
