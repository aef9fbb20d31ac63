import { MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { goldenSignalsCheck } from './health/goldenSignals';
import { enrollmentCheck } from './mesh/enrollment';
import { configValidationCheck } from './mesh/configValidation';
import { certificatesCheck } from './controlPlane/certificates';
import { controlPlaneHaCheck } from './controlPlane/ha';
import { proxyVersionCheck } from './upgrade/proxyVersion';
import { metricsCheck } from './observability/metrics';
import { mtlsCheck } from './security/mtls';
import { authorizationCheck } from './security/authorization';
import { egressCheck } from './security/egress';
import { sidecarConfigScopeCheck } from './sidecar/configScope';
import { sidecarResourcesCheck } from './sidecar/resources';
import { disruptionBudgetCheck } from './upgrade/disruptionBudget';
import { protocolsCheck } from './workload/protocols';
import { statefulCheck } from './workload/stateful';
import { doubleInstrumentationCheck } from './observability/doubleInstrumentation';
import { sidecarOverheadCheck } from './latency/sidecarOverhead';
import { sidecarRightsizingCheck } from './sidecar/rightsizing';
import { tracePropagationCheck } from './observability/tracePropagation';
import { rolloutComparisonCheck } from './mesh/rolloutComparison';
import { meshUsageCheck } from './value/meshUsage';
import { runbookCheck } from './operations/runbook';
import { onCallCheck } from './operations/onCall';

/**
 * Every built-in check, in the order reports list them: the order of DESIGN.md's check
 * table, which follows the checklist. A new check is added here.
 */
export const BUILTIN_CHECKS: MeshCheck[] = [
  enrollmentCheck,
  rolloutComparisonCheck,
  configValidationCheck,
  goldenSignalsCheck,
  sidecarOverheadCheck,
  statefulCheck,
  protocolsCheck,
  sidecarResourcesCheck,
  sidecarRightsizingCheck,
  sidecarConfigScopeCheck,
  mtlsCheck,
  authorizationCheck,
  egressCheck,
  proxyVersionCheck,
  disruptionBudgetCheck,
  controlPlaneHaCheck,
  certificatesCheck,
  metricsCheck,
  tracePropagationCheck,
  doubleInstrumentationCheck,
  meshUsageCheck,
  runbookCheck,
  onCallCheck,
];
