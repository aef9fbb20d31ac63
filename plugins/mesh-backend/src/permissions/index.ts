export {
  createMeshReportReadConditionalDecision,
  hasAnnotation,
  hasLabel,
  isEntityKind,
  isEntityOwner,
  meshEntityResourceRef,
  meshReportReadConditions,
  meshReportReadRules,
  RULE_FIELDS,
} from './rules';
export { localRuleset } from './ruleset';
