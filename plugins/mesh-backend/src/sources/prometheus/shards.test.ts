import { planShards, shardMatcher, splitInRuns } from './shards';

describe('planShards', () => {
  it('balances by weight, heaviest first, and never makes more shards than namespaces', () => {
    const weights = new Map([
      ['a', 100],
      ['b', 60],
      ['c', 40],
      ['d', 30],
      ['e', 30],
    ]);
    const plan = planShards(weights.keys(), 2, weights);
    const load = plan.map(g => g.reduce((s, n) => s + weights.get(n)!, 0));
    expect(load.sort()).toEqual([130, 130]);
    expect(planShards(['a', 'b'], 8)).toHaveLength(2);
    expect(planShards(['a'], 4)).toEqual([]);
    expect(planShards([], 4)).toEqual([]);
  });

  it('is stable for the same input', () => {
    const names = Array.from({ length: 50 }, (_, i) => `team-${i}`);
    expect(planShards(names, 4)).toEqual(planShards([...names].reverse(), 4));
  });
});

describe('shardMatcher', () => {
  const plan = [['a', 'b'], ['c'], ['d']];

  it('lists the namespaces of a shard; the last takes every other namespace', () => {
    expect(shardMatcher('namespace', plan, 0)).toBe('namespace=~"a|b"');
    expect(shardMatcher('namespace', plan, 1)).toBe('namespace=~"c"');
    expect(shardMatcher('namespace', plan, 2)).toBe('namespace!~"a|b|c"');
  });

  it('adds nothing for one shard', () => {
    expect(shardMatcher('namespace', [], 0)).toBe('');
    expect(shardMatcher('namespace', [['a']], 0)).toBe('');
  });

  it('escapes regex characters for a PromQL string', () => {
    expect(shardMatcher('ns', [['a.b'], ['x']], 0)).toBe('ns=~"a\\\\.b"');
  });
});

describe('splitInRuns', () => {
  it('cuts the sorted names into runs of about equal length', () => {
    expect(splitInRuns(['e', 'a', 'c', 'b', 'd'], 2)).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    expect(splitInRuns(['a'], 3)).toEqual([]);
  });
});
