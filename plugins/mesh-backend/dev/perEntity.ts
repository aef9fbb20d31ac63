/**
 * The per-entity baseline of `npm run bench`: how a plugin that queried Prometheus once
 * per entity would narrow each query catalog entry to one workload (the bench fleet's
 * workloads are Deployments named after their entity, in their owner's namespace).
 * Every catalog entry needs one; src/perEntityBaseline.test.ts holds that.
 */
export const PER_ENTITY: Record<
  string,
  ((ns: string, wl: string) => string) | 'cluster'
> = {
  istioRequests: (ns, wl) =>
    `destination_workload_namespace="${ns}",destination_workload="${wl}"`,
  istioLatency: (ns, wl) =>
    `destination_workload_namespace="${ns}",destination_workload="${wl}"`,
  // The entity's inbound edges, including those its callers failed themselves.
  istioSourceRequests: (ns, wl) =>
    `destination_service_namespace="${ns}",destination_service_name="${wl}"`,
  istioTcp: (ns, wl) =>
    `destination_workload_namespace="${ns}",destination_workload="${wl}"`,
  linkerdResponses: (ns, wl) => `namespace="${ns}",deployment="${wl}"`,
  linkerdLatency: (ns, wl) => `namespace="${ns}",deployment="${wl}"`,
  scrapedProxies: (ns, wl) => `namespace="${ns}",pod=~"${wl}-.*"`,
  istioPlaintextInbound: (ns, wl) =>
    `destination_workload_namespace="${ns}",destination_workload="${wl}"`,
  istioShadowDenials: (ns, wl) => `namespace="${ns}",pod=~"${wl}-.*"`,
  linkerdAuthzDenials: (ns, wl) => `namespace="${ns}",deployment="${wl}"`,
  istioEgressPassthrough: (ns, wl) =>
    `source_workload_namespace="${ns}",source_workload="${wl}"`,
  appHttpSeries: (ns, wl) => `namespace="${ns}",pod=~"${wl}-.*"`,
  istioSourceLatency: (ns, wl) =>
    `destination_workload_namespace="${ns}",destination_workload="${wl}"`,
  linkerdOutboundLatency: (ns, wl) =>
    `dst_namespace="${ns}",dst_deployment="${wl}"`,
  proxyUsage: (ns, wl) => `namespace="${ns}",pod=~"${wl}-.*"`,
  rolloutAppHttp: (ns, wl) => `namespace="${ns}",pod=~"${wl}-.*"`,
  istioProxyBuild: (ns, wl) => `namespace="${ns}",pod=~"${wl}-.*"`,
  // Control-plane series are the cluster's, whichever way they are collected: once.
  pilotConvergence: 'cluster',
  meshCertificateExpiry: 'cluster',
};
