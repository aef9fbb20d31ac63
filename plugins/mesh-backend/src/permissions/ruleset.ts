import { Entity } from '@backstage/catalog-model';
import { PermissionRuleset } from '@backstage/plugin-permission-node';
import { meshReportReadRules } from './rules';

/**
 * The built-in rules as a ruleset, for code that runs without the permissions registry
 * (unit tests). The plugin uses the registry's ruleset, which also holds the rules that
 * adopters' modules add.
 */
export function localRuleset(): PermissionRuleset<Entity> {
  const rules = Object.values(meshReportReadRules);
  return {
    getRuleByName(name: string) {
      const rule = rules.find(r => r.name === name);
      if (!rule) throw new Error(`Unexpected permission rule: ${name}`);
      return rule as any;
    },
  };
}
