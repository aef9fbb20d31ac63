// @ts-check
/**
 * The verdict of a test run from jest's `--json` summary. A run proves something only
 * when tests ran and none was skipped without a stated reason, so both count as a
 * failure. Plain CommonJS, so `npm test` uses it before anything is compiled.
 */

/**
 * @param {any} summary jest's --json output
 * @param {{ root: string, filtered: boolean, allowed: Record<string, string> }} options
 */
function judgeRun(summary, options) {
  const path = require('node:path');
  const skipped = (summary.testResults ?? []).flatMap(
    /** @param {any} suite */ suite =>
      (suite.assertionResults ?? [])
        .filter(
          /** @param {any} t */ t =>
            ['pending', 'skipped', 'todo'].includes(t.status),
        )
        .map(
          /** @param {any} t */ t =>
            `${path.relative(options.root, suite.name)} › ${t.fullName}`,
        ),
  );
  const problems = [];
  if (!summary.numTotalTests) problems.push('no test ran');
  // A filtered run (arguments given to jest) skips the rest by design.
  if (!options.filtered) {
    for (const name of skipped) {
      if (!options.allowed[name])
        problems.push(
          `skipped without a reason in test/skipped-tests.json: ${name}`,
        );
    }
  }
  const failed =
    (summary.numFailedTests ?? 0) +
    (summary.numRuntimeErrorTestSuites ?? 0) +
    (problems.length > 0 ? 1 : 0);
  return {
    passed: summary.numPassedTests ?? 0,
    failed,
    skipped: skipped.length,
    problems,
    line: `${summary.numPassedTests ?? 0} passed, ${failed} failed, ${
      skipped.length
    } skipped`,
  };
}

module.exports = { judgeRun };
