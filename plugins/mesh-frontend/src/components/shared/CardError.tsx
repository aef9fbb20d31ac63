import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from './errors';

/** A card's failed load: what could not be loaded, the backend's reason, and a retry. */
export function CardError(props: {
  /** What could not be loaded, e.g. "the mesh report". */
  what: string;
  error: Error;
  onRetry: () => void;
  testId: string;
}) {
  return (
    <>
      <Typography
        variant="body2"
        color="error"
        component="div"
        data-testid={props.testId}
      >
        Could not load {props.what}: {errorMessage(props.error)}
      </Typography>
      <Box mt={1}>
        <Button variant="outlined" color="primary" onClick={props.onRetry}>
          Retry
        </Button>
      </Box>
    </>
  );
}
