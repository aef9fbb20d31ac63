import { ReportLink } from '@mesh-readiness/plugin-mesh-common';

/**
 * The URL itself when it is an absolute http(s) URL, else undefined: a `javascript:`
 * or `data:` URL in a report or an attestation must never become a link.
 */
export function safeHttpUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const TOOL_LABELS: Record<ReportLink['tool'], string> = {
  kiali: 'Kiali',
  linkerdViz: 'Linkerd viz',
  grafana: 'Grafana',
  tracing: 'Tracing',
};

export function toolLabel(tool: string): string {
  return Object.prototype.hasOwnProperty.call(TOOL_LABELS, tool)
    ? TOOL_LABELS[tool as ReportLink['tool']]
    : tool;
}

/** The report's links that may be rendered: http(s) only, each URL once. */
export function usableLinks(links: ReportLink[] | undefined): ReportLink[] {
  const seen = new Set<string>();
  return (links ?? []).filter(link => {
    if (!safeHttpUrl(link.url) || seen.has(link.url)) return false;
    seen.add(link.url);
    return true;
  });
}
