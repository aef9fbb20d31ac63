import {
  labelSelector,
  matchesLabelSelector,
  selectsAnyPod,
} from './selectors';

const pod = { app: 'cart', tier: 'backend', version: 'v2' };

describe('labelSelector + matchesLabelSelector', () => {
  const cases: Array<{ name: string; selector: unknown; matches: boolean }> = [
    { name: 'empty selector matches everything', selector: {}, matches: true },
    {
      name: 'matchLabels all present',
      selector: { matchLabels: { app: 'cart', tier: 'backend' } },
      matches: true,
    },
    {
      name: 'matchLabels with one different value',
      selector: { matchLabels: { app: 'cart', tier: 'frontend' } },
      matches: false,
    },
    {
      name: 'In with the value',
      selector: {
        matchExpressions: [
          { key: 'version', operator: 'In', values: ['v1', 'v2'] },
        ],
      },
      matches: true,
    },
    {
      name: 'In on a missing key',
      selector: {
        matchExpressions: [
          { key: 'track', operator: 'In', values: ['stable'] },
        ],
      },
      matches: false,
    },
    {
      name: 'NotIn on a missing key matches',
      selector: {
        matchExpressions: [
          { key: 'track', operator: 'NotIn', values: ['canary'] },
        ],
      },
      matches: true,
    },
    {
      name: 'NotIn with the value',
      selector: {
        matchExpressions: [
          { key: 'version', operator: 'NotIn', values: ['v2'] },
        ],
      },
      matches: false,
    },
    {
      name: 'Exists',
      selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      matches: true,
    },
    {
      name: 'DoesNotExist on a present key',
      selector: {
        matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }],
      },
      matches: false,
    },
    {
      name: 'matchLabels and matchExpressions are ANDed',
      selector: {
        matchLabels: { app: 'cart' },
        matchExpressions: [{ key: 'version', operator: 'In', values: ['v1'] }],
      },
      matches: false,
    },
  ];
  it.each(cases)('$name', ({ selector, matches }) => {
    expect(matchesLabelSelector(labelSelector(selector), pod)).toBe(matches);
  });

  it.each([
    [
      { matchExpressions: [{ key: 'a', operator: 'Matches', values: ['x'] }] },
      /unknown/,
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      /no values/,
    ],
    [{ matchExpressions: [{ operator: 'Exists' }] }, /without key/],
  ])('refuses malformed selector %j', (selector, message) => {
    expect(() => labelSelector(selector)).toThrow(message);
  });

  it('drops values from Exists, ignores non-string matchLabels', () => {
    expect(
      labelSelector({
        matchLabels: { app: 'cart', replicas: 3 },
        matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }],
      }),
    ).toEqual({
      matchLabels: { app: 'cart' },
      matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }],
    });
  });

  it('selectsAnyPod: any pod of a rollout in progress counts', () => {
    const sel = labelSelector({ matchLabels: { version: 'v2' } });
    expect(selectsAnyPod(sel, [{ version: 'v1' }, { version: 'v2' }])).toBe(
      true,
    );
    expect(selectsAnyPod(sel, [{ version: 'v1' }])).toBe(false);
  });
});
