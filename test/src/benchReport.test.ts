import { catalogRecordingRules } from '@mesh-readiness/plugin-mesh-node';
import { ruleServedCell } from 'mesh-devtools/benchReport';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './scenario';

describe("npm run bench's 'from rules' column", () => {
  it('counts the rule-served entries against the catalog entries a rule can serve', () => {
    const entries = catalogRecordingRules('5m').length;
    expect(ruleServedCell({ rules: entries }, entries)).toBe(
      `${entries}/${entries}`,
    );
    expect(ruleServedCell({ rules: 3 }, entries)).toBe(`3/${entries}`);
  });

  it('prints `?` rather than a number the phase did not measure', () => {
    expect(ruleServedCell({ rules: 5 }, undefined)).toBe('5/?');
    expect(ruleServedCell({}, 12)).toBe('?/12');
  });

  it('takes the denominator from the measured phase, which counts it from the catalog', () => {
    const bench = fs.readFileSync(
      path.join(REPO_ROOT, 'scripts/bench.mjs'),
      'utf8',
    );
    const phase = fs.readFileSync(
      path.join(REPO_ROOT, 'plugins/mesh-backend/dev/bench.ts'),
      'utf8',
    );
    // The column is the helper over the phase's own figures, never a literal total.
    expect(bench).toMatch(
      /'from rules',\s*r =>\s*benchReport\.ruleServedCell\(\s*r\.rules\.fetches\.previous,\s*r\.rules\.ruleEntries,?\s*\)/,
    );
    expect(bench).not.toMatch(/rules}\/\d+`/);
    expect(phase).toMatch(
      /ruleEntries: catalogRecordingRules\(config\.window\)\.length/,
    );
  });
});
