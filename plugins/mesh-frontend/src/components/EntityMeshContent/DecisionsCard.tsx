import { useState } from 'react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import MuiLink from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  Attestation,
  CHECK_DEFINITIONS,
  Waiver,
} from '@mesh-readiness/plugin-mesh-common';
import { meshApiRef } from '../../api';
import { WithdrawDialog } from './ActionDialogs';
import { backendMessage, MeshActions } from './actions';
import { dayOf } from './checkDetails';
import { safeHttpUrl } from './links';

const useStyles = makeStyles(theme => ({
  item: { gap: theme.spacing(1) },
  // The Backstage theme keeps list item text on one line and hides the rest; these
  // notes must be read whole.
  text: {
    '&&, && *': { whiteSpace: 'normal', overflow: 'visible' },
    overflowWrap: 'anywhere',
  },
  action: { flexShrink: 0 },
}));

function titleOf(checkId: string): string {
  return Object.prototype.hasOwnProperty.call(CHECK_DEFINITIONS, checkId)
    ? CHECK_DEFINITIONS[checkId as keyof typeof CHECK_DEFINITIONS].title
    : checkId;
}

/**
 * Attestations made through the API have UUIDs, the only ids `DELETE
 * /v1/attestations/:id` takes; those declared in app-config (`mesh.attestations`) are
 * removed there, so they offer no Withdraw.
 */
const API_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isPast = (iso: string, now: number) => Date.parse(iso) <= now;

/** A waiver applies through its `until` day (UTC), then no more. */
function untilText(until: string | undefined, now: number): string {
  if (!until) return 'until withdrawn';
  const today = new Date(now).toISOString().slice(0, 10);
  return until < today ? `ended on ${until}` : `until ${until}`;
}

const sameRef = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

type Withdrawal =
  | { kind: 'attestation'; item: Attestation }
  | { kind: 'waiver'; item: Waiver };

function ListError(props: { what: string; error: Error; retry: () => void }) {
  return (
    <Box
      display="flex"
      alignItems="center"
      flexWrap="wrap"
      style={{ gap: 8 }}
      mb={1}
      data-testid={`mesh-decisions-error-${props.what}`}
    >
      <Typography variant="body2" color="error">
        The {props.what} could not be loaded: {backendMessage(props.error)}
      </Typography>
      <Button size="small" variant="outlined" onClick={props.retry}>
        Retry {props.what}
      </Button>
    </Box>
  );
}

/**
 * The attestations that apply to the entity (its own, its owner's, its system's) and
 * the waivers made for it through the API, each with who, when and why, and a Withdraw
 * action for those the user may withdraw. Waivers written as annotations live in the
 * entity's catalog-info.yaml and are shown on their checks.
 */
export function DecisionsCard(props: {
  entityRef: string;
  actions: MeshActions;
  /** Changes when the report was rebuilt, so that the lists are read again. */
  generation: number;
  onChanged: () => void;
}) {
  const classes = useStyles();
  const { entityRef, actions, generation, onChanged } = props;
  const meshApi = useApi(meshApiRef);
  const [withdrawal, setWithdrawal] = useState<Withdrawal>();
  const now = Date.now();

  const attestations = useAsyncRetry(
    () => meshApi.listAttestations(entityRef),
    [meshApi, entityRef, generation],
  );
  const waivers = useAsyncRetry(
    () => meshApi.listWaivers(entityRef),
    [meshApi, entityRef, generation],
  );

  const loading =
    (attestations.loading && !attestations.value) ||
    (waivers.loading && !waivers.value);
  const attestationItems = attestations.value?.attestations ?? [];
  const waiverItems = waivers.value?.waivers ?? [];
  const empty =
    !loading &&
    !attestations.error &&
    !waivers.error &&
    attestationItems.length === 0 &&
    waiverItems.length === 0;

  return (
    <InfoCard title="Attestations and waivers">
      <div data-testid="mesh-decisions">
        {loading && <Progress />}
        {attestations.error && (
          <ListError
            what="attestations"
            error={attestations.error}
            retry={attestations.retry}
          />
        )}
        {waivers.error && (
          <ListError
            what="waivers"
            error={waivers.error}
            retry={waivers.retry}
          />
        )}
        {empty && (
          <Typography variant="body2" data-testid="mesh-decisions-empty">
            No attestations or waivers apply to this entity.
            {(actions.canAttest || actions.canWaive) &&
              ' Open a check above to attest or waive it.'}
          </Typography>
        )}
        {!loading &&
          (attestationItems.length > 0 || waiverItems.length > 0) && (
            <List dense disablePadding aria-label="Attestations and waivers">
              {attestationItems.map(a => {
                const own = sameRef(a.entityRef, entityRef);
                const declared = !API_ID.test(a.id);
                const expired = isPast(a.expiresAt, now);
                const link = safeHttpUrl(a.link);
                return (
                  <ListItem
                    key={a.id}
                    disableGutters
                    className={classes.item}
                    data-testid={`mesh-attestation-${a.id}`}
                  >
                    <ListItemText
                      className={classes.text}
                      primary={`Attested: ${titleOf(a.checkId)}`}
                      secondary={
                        <>
                          {a.createdBy} on {dayOf(a.createdAt)}: {a.note} ·{' '}
                          {expired ? (
                            <Typography
                              component="span"
                              variant="inherit"
                              color="error"
                            >
                              expired on {dayOf(a.expiresAt)}
                            </Typography>
                          ) : (
                            `valid until ${dayOf(a.expiresAt)}`
                          )}
                          {!own && ` · made for ${a.entityRef}`}
                          {declared && ' · declared in app-config'}
                          {link && (
                            <>
                              {' · '}
                              <MuiLink
                                href={link}
                                target="_blank"
                                rel="noopener noreferrer"
                              >
                                record
                              </MuiLink>
                            </>
                          )}
                        </>
                      }
                    />
                    {own && !declared && actions.canAttest && (
                      <Button
                        size="small"
                        className={classes.action}
                        onClick={() =>
                          setWithdrawal({ kind: 'attestation', item: a })
                        }
                        aria-label={`Withdraw the attestation of ${titleOf(
                          a.checkId,
                        )}`}
                      >
                        Withdraw
                      </Button>
                    )}
                  </ListItem>
                );
              })}
              {waiverItems.map(w => (
                <ListItem
                  key={w.id}
                  disableGutters
                  className={classes.item}
                  data-testid={`mesh-waiver-${w.id}`}
                >
                  <ListItemText
                    className={classes.text}
                    primary={`Waived: ${titleOf(w.checkId)}`}
                    secondary={`${w.createdBy} on ${dayOf(w.createdAt)}: ${
                      w.reason
                    } · ${untilText(w.until, now)}`}
                  />
                  {actions.canWaive && (
                    <Button
                      size="small"
                      className={classes.action}
                      onClick={() => setWithdrawal({ kind: 'waiver', item: w })}
                      aria-label={`Withdraw the waiver of ${titleOf(
                        w.checkId,
                      )}`}
                    >
                      Withdraw
                    </Button>
                  )}
                </ListItem>
              ))}
            </List>
          )}
      </div>
      {withdrawal && (
        <WithdrawDialog
          open
          what={`the ${withdrawal.kind} of ${titleOf(withdrawal.item.checkId)}`}
          onConfirm={() =>
            withdrawal.kind === 'attestation'
              ? meshApi.deleteAttestation(withdrawal.item.id)
              : meshApi.deleteWaiver(withdrawal.item.id)
          }
          onClose={() => setWithdrawal(undefined)}
          onDone={() => {
            setWithdrawal(undefined);
            onChanged();
          }}
        />
      )}
    </InfoCard>
  );
}
