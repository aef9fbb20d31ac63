import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import { InfoCard, StatusError, StatusOK } from '@backstage/core-components';
import { SourceStatus } from '@mesh-readiness/plugin-mesh-common';
import { formatRelative } from './format';

/** Which data sources answered in the run that produced the report. */
export function SourcesList(props: { sources: SourceStatus[] }) {
  const { sources } = props;
  return (
    <InfoCard title="Sources">
      <List dense disablePadding>
        {sources.length === 0 && (
          <ListItem disableGutters>
            <ListItemText primary="No source reported for this entity." />
          </ListItem>
        )}
        {sources.map(s => (
          <ListItem
            key={`${s.cluster}/${s.name}`}
            disableGutters
            data-testid={`mesh-source-${s.cluster}-${s.name}`}
          >
            <ListItemIcon>{s.ok ? <StatusOK /> : <StatusError />}</ListItemIcon>
            <ListItemText
              primary={`${s.name} · ${s.cluster}`}
              secondaryTypographyProps={{
                style: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
              }}
              secondary={
                <>
                  {s.ok ? 'ok' : s.error || 'failed'}
                  {' · fetched '}
                  <span title={s.fetchedAt}>{formatRelative(s.fetchedAt)}</span>
                </>
              }
            />
          </ListItem>
        ))}
      </List>
    </InfoCard>
  );
}
