import { judgeRun } from 'mesh-devtools/verdict';

const ROOT = '/repo';
const suite = (statuses: string[]) => ({
  name: '/repo/plugins/x/src/a.test.ts',
  assertionResults: statuses.map((status, i) => ({
    status,
    fullName: `case ${i}`,
  })),
});
const summary = (statuses: string[], failed = 0) => ({
  numTotalTests: statuses.length,
  numPassedTests: statuses.filter(s => s === 'passed').length,
  numFailedTests: failed,
  numRuntimeErrorTestSuites: 0,
  testResults: [suite(statuses)],
});

describe('judgeRun: the closing line of npm test', () => {
  it('passes a run where every test ran and passed', () => {
    expect(
      judgeRun(summary(['passed', 'passed']), {
        root: ROOT,
        filtered: false,
        allowed: {},
      }),
    ).toMatchObject({ failed: 0, line: '2 passed, 0 failed, 0 skipped' });
  });

  it('fails a run where no test ran', () => {
    const v = judgeRun(summary([]), {
      root: ROOT,
      filtered: false,
      allowed: {},
    });
    expect(v.failed).toBe(1);
    expect(v.problems).toEqual(['no test ran']);
    expect(v.line).toBe('0 passed, 1 failed, 0 skipped');
  });

  it('fails a run with a skipped test unless the allow-list says why', () => {
    const s = summary(['passed', 'pending', 'todo']);
    const v = judgeRun(s, { root: ROOT, filtered: false, allowed: {} });
    expect(v.failed).toBe(1);
    expect(v.problems).toEqual([
      'skipped without a reason in test/skipped-tests.json: plugins/x/src/a.test.ts › case 1',
      'skipped without a reason in test/skipped-tests.json: plugins/x/src/a.test.ts › case 2',
    ]);
    expect(v.line).toBe('1 passed, 1 failed, 2 skipped');
    const allowed = judgeRun(s, {
      root: ROOT,
      filtered: false,
      allowed: {
        'plugins/x/src/a.test.ts › case 1': 'needs a GPU',
        'plugins/x/src/a.test.ts › case 2': 'written for the next issue',
      },
    });
    expect(allowed).toMatchObject({ failed: 0, skipped: 2 });
  });

  it('lets a filtered run skip what the filter left out', () => {
    expect(
      judgeRun(summary(['passed', 'pending']), {
        root: ROOT,
        filtered: true,
        allowed: {},
      }),
    ).toMatchObject({ failed: 0, line: '1 passed, 0 failed, 1 skipped' });
  });

  it('counts failed tests and suites that did not load', () => {
    const v = judgeRun(
      { ...summary(['passed', 'failed'], 1), numRuntimeErrorTestSuites: 2 },
      { root: ROOT, filtered: false, allowed: {} },
    );
    expect(v.line).toBe('1 passed, 3 failed, 0 skipped');
  });
});
