import { useEffect, useRef, useState } from 'react';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CopyIcon from '@material-ui/icons/FileCopy';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';
import { errorApiRef, useApi } from '@backstage/core-plugin-api';

const useStyles = makeStyles(theme => ({
  // The copy button sits beside the block, never over the end of a command.
  row: { display: 'flex', alignItems: 'flex-start', gap: theme.spacing(0.5) },
  // Commands keep their lines: a long one scrolls sideways instead of wrapping in the
  // middle of a flag or a name.
  pre: {
    flex: '1 1 auto',
    minWidth: 0,
    margin: 0,
    padding: theme.spacing(1.25, 1.5),
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    whiteSpace: 'pre',
    overflowX: 'auto',
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: -2,
    },
  },
  copy: { flexShrink: 0, paddingTop: 2 },
}));

/**
 * A labelled copy button that says "Copied" for a moment. Core-components'
 * CopyTextButton positions its tooltip with a ResizeObserver, which, while the tab is
 * still laying out (history, lists and permissions arriving), ends in "ResizeObserver
 * loop completed with undelivered notifications", an error the app's development
 * server shows as a full-page overlay. MUI's tooltip does not observe sizes.
 */
export function CopyButton(props: { text: string; label: string }) {
  const errorApi = useApi(errorApiRef);
  const [{ error }, copy] = useCopyToClipboard();
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => {
    if (error) errorApi.post(error);
  }, [error, errorApi]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return (
    <Tooltip
      title={copied ? 'Copied to the clipboard' : props.label}
      placement="left"
    >
      <IconButton
        size="small"
        aria-label={props.label}
        onClick={() => {
          copy(props.text);
          setCopied(true);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => setCopied(false), 1500);
        }}
      >
        <CopyIcon fontSize="small" />
      </IconButton>
    </Tooltip>
  );
}

/**
 * A command or manifest with a labelled copy button ("Copy: <label>"). The text is shown
 * and copied exactly as given.
 */
export function CommandBlock(props: {
  text: string;
  /** Names the copy button and the scrollable region. */
  label: string;
  title?: string;
  testId?: string;
}) {
  const classes = useStyles();
  const { text, label, title, testId } = props;
  return (
    <Box mb={1.5} data-testid={testId}>
      {title && (
        <Typography variant="caption" color="textSecondary" component="div">
          {title}
        </Typography>
      )}
      <div className={classes.row}>
        <pre
          className={classes.pre}
          // Focusable so that keyboard users can scroll a long line (axe:
          // scrollable-region-focusable).
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
          role="group"
          aria-label={label}
        >
          {text}
        </pre>
        <div className={classes.copy}>
          <CopyButton text={text} label={`Copy: ${label}`} />
        </div>
      </div>
    </Box>
  );
}
