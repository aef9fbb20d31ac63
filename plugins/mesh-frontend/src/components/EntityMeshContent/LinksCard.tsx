import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { InfoCard } from '@backstage/core-components';
import { ReportLink } from '@mesh-readiness/plugin-mesh-common';
import { toolLabel, usableLinks } from './links';

const useStyles = makeStyles(theme => ({
  links: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1) },
  // A title is one unit: it may wrap between words, never inside one.
  button: { textTransform: 'none', wordBreak: 'normal', textAlign: 'left' },
}));

/**
 * Links out to the tools the team already uses (`mesh.links`), each opening this
 * workload there in a new tab. Only http(s) URLs are rendered.
 */
export function LinksCard(props: { links?: ReportLink[] }) {
  const classes = useStyles();
  const links = usableLinks(props.links);
  return (
    <InfoCard title="Open in your tools">
      {links.length === 0 ? (
        <Typography variant="body2" data-testid="mesh-links-empty">
          No links out are configured. A platform team can add URL templates for
          Kiali, Linkerd viz, Grafana and the tracing UI under{' '}
          <code>mesh.links</code> in the app config.
        </Typography>
      ) : (
        <nav aria-label="Links out" className={classes.links}>
          {links.map(link => (
            <Button
              key={link.url}
              variant="outlined"
              size="small"
              href={link.url}
              target="_blank"
              rel="noopener noreferrer"
              endIcon={<OpenInNewIcon fontSize="small" aria-hidden />}
              className={classes.button}
              title={`${toolLabel(link.tool)} · ${link.cluster} / ${
                link.namespace
              }${
                link.workload ? ` / ${link.workload}` : ''
              } (opens in a new tab)`}
              data-testid={`mesh-link-${link.tool}`}
            >
              {link.title}
            </Button>
          ))}
        </nav>
      )}
    </InfoCard>
  );
}
