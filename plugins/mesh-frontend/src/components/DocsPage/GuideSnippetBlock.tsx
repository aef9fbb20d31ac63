import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { CodeSnippet, CopyTextButton } from '@backstage/core-components';
import { GuideSnippet } from '../../docs/meshGuide';
import { fillTemplate, GuideTarget } from '../../docs/placeholders';

/** A command or manifest of the guide, filled for the target, with a labelled copy button. */
export function GuideSnippetBlock(props: {
  snippet: GuideSnippet;
  target: GuideTarget;
}) {
  const { snippet, target } = props;
  const text = fillTemplate(snippet.template, target);
  return (
    <Box mb={2} data-testid="mesh-docs-snippet">
      <Typography variant="caption" color="textSecondary" component="div">
        {snippet.title}
      </Typography>
      <Box position="relative">
        <CodeSnippet
          text={text}
          language={snippet.language}
          customStyle={{
            margin: 0,
            paddingRight: 48,
            overflowX: 'auto',
            whiteSpace: 'pre',
          }}
        />
        <Box position="absolute" top={4} right={4}>
          <CopyTextButton text={text} aria-label={`Copy: ${snippet.title}`} />
        </Box>
      </Box>
    </Box>
  );
}
