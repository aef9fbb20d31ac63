import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { GuideStep } from '../../docs/meshGuide';
import { GuideTarget } from '../../docs/placeholders';
import { GuideSnippetBlock } from './GuideSnippetBlock';

/** A numbered procedure: each step's text, then its commands. */
export function GuideSteps(props: {
  steps: GuideStep[];
  target: GuideTarget;
  testId: string;
}) {
  const { steps, target, testId } = props;
  return (
    <Box component="ol" pl={3} m={0} data-testid={testId}>
      {steps.map(step => (
        <Box component="li" key={step.title} mb={2}>
          <Typography variant="subtitle1" component="h4">
            {step.title}
          </Typography>
          <Typography variant="body2" paragraph>
            {step.text}
          </Typography>
          {step.snippets?.map(snippet => (
            <GuideSnippetBlock
              key={snippet.title}
              snippet={snippet}
              target={target}
            />
          ))}
        </Box>
      ))}
    </Box>
  );
}
