/**
 * The sections of the reference document ("Production service mesh") that the checks
 * are grouped by in the UI, in the document's order, and which section each check
 * belongs to. Kept as data here so that the tab, the card and adopters group alike.
 */
import { CheckId } from './checks';
import { CheckCategory } from './types';

export type CheckSectionId =
  | 'rollout'
  | 'workloads'
  | 'sizing'
  | 'security'
  | 'upgrades'
  | 'observability'
  | 'operations'
  | 'value';

export interface CheckSection {
  id: CheckSectionId;
  title: string;
  /** The heading of the reference document the section follows. */
  reference: string;
}

/** The sections, in the reference document's order. */
export const CHECK_SECTIONS: ReadonlyArray<CheckSection> = [
  {
    id: 'rollout',
    title: 'Rollout',
    reference: 'Roll Out by Namespace, Not All at Once',
  },
  {
    id: 'workloads',
    title: 'Workloads',
    reference: "Don't Mesh Stateful or Latency-Sensitive Workloads Blindly",
  },
  { id: 'sizing', title: 'Sizing', reference: 'Sizing the Sidecar' },
  {
    id: 'security',
    title: 'Security',
    reference: "Security: Don't Stop at mTLS",
  },
  { id: 'upgrades', title: 'Upgrades', reference: 'Upgrade Strategy' },
  { id: 'observability', title: 'Observability', reference: 'Observability' },
  {
    id: 'operations',
    title: 'Operations',
    reference: 'Debugging Skills That Pay Off',
  },
  {
    id: 'value',
    title: 'Value',
    reference: 'Cost Awareness; When to Pull the Plug',
  },
];

/**
 * The section of every built-in check. A `Record` over `CheckId`, so a new check id
 * does not compile until it is placed. Where a check's category and its section
 * differ, the reference document decides: the upgrade runbook is an upgrade matter,
 * the proxy's view of the configuration is what on-call debugging reads, and the
 * control plane's replicas and size are sizing.
 */
export const CHECK_SECTION_BY_ID: Readonly<Record<CheckId, CheckSectionId>> = {
  'mesh.enrollment': 'rollout',
  'rollout.comparison': 'rollout',
  'mesh.config-validation': 'operations',
  'health.golden-signals': 'observability',
  'latency.sidecar-overhead': 'workloads',
  'workload.stateful': 'workloads',
  'workload.protocols': 'workloads',
  'sidecar.resources': 'sizing',
  'sidecar.rightsizing': 'sizing',
  'sidecar.config-scope': 'sizing',
  'security.mtls': 'security',
  'security.authorization': 'security',
  'security.egress': 'security',
  'upgrade.proxy-version': 'upgrades',
  'upgrade.disruption-budget': 'upgrades',
  'control-plane.ha': 'sizing',
  'control-plane.certificates': 'security',
  'observability.metrics': 'observability',
  'observability.trace-propagation': 'observability',
  'observability.double-instrumentation': 'observability',
  'operations.runbook': 'upgrades',
  'operations.on-call': 'operations',
  'value.mesh-usage': 'value',
};

/** Adopters' checks have no entry by id: their category places them. */
export const CHECK_SECTION_BY_CATEGORY: Readonly<
  Record<CheckCategory, CheckSectionId>
> = {
  mesh: 'rollout',
  health: 'observability',
  latency: 'workloads',
  workload: 'workloads',
  sidecar: 'sizing',
  security: 'security',
  upgrade: 'upgrades',
  'control-plane': 'sizing',
  observability: 'observability',
  operations: 'operations',
  value: 'value',
};

/**
 * The section of a check: by its id, else by its category; undefined for a category
 * this catalog does not know (an adopter's own), which the UI lists apart.
 */
export function sectionOf(check: {
  id: string;
  category: string;
}): CheckSectionId | undefined {
  const byId: Readonly<Record<string, CheckSectionId>> = CHECK_SECTION_BY_ID;
  const byCategory: Readonly<Record<string, CheckSectionId>> =
    CHECK_SECTION_BY_CATEGORY;
  // Own keys only: an id such as `constructor` is no check id.
  if (Object.prototype.hasOwnProperty.call(byId, check.id)) {
    return byId[check.id];
  }
  if (Object.prototype.hasOwnProperty.call(byCategory, check.category)) {
    return byCategory[check.category];
  }
  return undefined;
}
