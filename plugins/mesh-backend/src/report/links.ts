import {
  ReportLink,
  ReportLinkTool,
  WorkloadSummary,
} from '@mesh-readiness/plugin-mesh-common';

/**
 * `mesh.links` URL templates that open one workload in a tool, with the placeholders
 * `{cluster}`, `{namespace}`, `{workload}` and `{kind}` (validated at startup). `{kind}`
 * is lower-cased (`deployment`), as tools spell it in their paths (Linkerd viz's
 * `/namespaces/shop/deployments/web`).
 */
export interface WorkloadLinkTemplates {
  kiali?: string;
  linkerdViz?: string;
  grafana?: string;
  /**
   * The tracing UI's search for one service. `mesh.links.tracing` opens one trace
   * (`{traceId}`) and so cannot open a workload: without this, no tracing link.
   */
  tracingSearch?: string;
}

/** The placeholders a workload link template may use. */
export const WORKLOAD_LINK_PLACEHOLDERS = [
  'cluster',
  'namespace',
  'workload',
  'kind',
] as const;

type Placeholder = (typeof WORKLOAD_LINK_PLACEHOLDERS)[number];

const TOOLS: Array<{
  tool: ReportLinkTool;
  template: keyof WorkloadLinkTemplates;
  label: string;
  /** Kiali knows Istio only and Linkerd viz Linkerd only; a link elsewhere opens nothing. */
  serves: (w: WorkloadSummary) => boolean;
}> = [
  {
    tool: 'kiali',
    template: 'kiali',
    label: 'Kiali',
    serves: w => w.provider !== 'linkerd',
  },
  {
    tool: 'linkerdViz',
    template: 'linkerdViz',
    label: 'Linkerd viz',
    serves: w => w.provider === 'linkerd',
  },
  {
    tool: 'grafana',
    template: 'grafana',
    label: 'Grafana',
    serves: () => true,
  },
  {
    tool: 'tracing',
    template: 'tracingSearch',
    label: 'Tracing',
    serves: () => true,
  },
];

/**
 * What each placeholder accepts: Kubernetes names (DNS-1123 label for a namespace,
 * subdomain for a workload), the config's cluster names and a kind. A value outside them
 * gets no link at all: encoding alone would still let `..` walk up a URL's path.
 */
const VALID: Record<Placeholder, RegExp> = {
  cluster: /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/,
  namespace: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  workload:
    /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  kind: /^[a-z][a-z0-9]{0,62}$/,
};

/**
 * Fills a template's placeholders, each value URL-encoded, so that no value can end a
 * path segment, start a query or a fragment, or add a parameter.
 */
export function fillLinkTemplate(
  template: string,
  values: Record<Placeholder, string>,
): string {
  return template.replace(/\{(cluster|namespace|workload|kind)\}/g, (_, name) =>
    encodeURIComponent(values[name as Placeholder]),
  );
}

/**
 * The report's links out: for each configured tool (in the order Kiali, Linkerd viz,
 * Grafana, tracing) one link per workload the tool serves. A template without
 * `{workload}` opens the namespace: one link per cluster and namespace, without a
 * workload. A workload whose names are not valid Kubernetes names gets no link.
 */
export function buildReportLinks(
  workloads: WorkloadSummary[],
  templates: WorkloadLinkTemplates,
): ReportLink[] {
  const links: ReportLink[] = [];
  for (const { tool, template: key, label, serves } of TOOLS) {
    const template = templates[key];
    if (!template) continue;
    const perWorkload = template.includes('{workload}');
    const seen = new Set<string>();
    for (const w of workloads) {
      if (!serves(w)) continue;
      const values = {
        cluster: w.cluster,
        namespace: w.namespace,
        workload: w.name,
        kind: w.kind.toLowerCase(),
      };
      if (WORKLOAD_LINK_PLACEHOLDERS.some(p => !VALID[p].test(values[p]))) {
        continue;
      }
      const url = fillLinkTemplate(template, values);
      if (seen.has(url)) continue;
      seen.add(url);
      links.push({
        tool,
        title: perWorkload
          ? `${label}: ${w.name} (${w.namespace})`
          : `${label}: ${w.namespace}`,
        url,
        cluster: w.cluster,
        namespace: w.namespace,
        ...(perWorkload ? { workload: w.name } : {}),
      });
    }
  }
  return links;
}
