import { MeshCheck } from '@mesh-readiness/plugin-mesh-node';
import { goldenSignalsCheck } from './health/goldenSignals';
import { enrollmentCheck } from './mesh/enrollment';
import { metricsCheck } from './observability/metrics';

/** Every built-in check, in the order reports list them. A new check is added here. */
export const BUILTIN_CHECKS: MeshCheck[] = [
  enrollmentCheck,
  goldenSignalsCheck,
  metricsCheck,
];
