import {
  formatSelector,
  labelKeyError,
  labelValueError,
  matchesSelector,
  parseLabelSelector,
  Requirement,
} from './labelSelector';

describe('parseLabelSelector', () => {
  it.each<[string, Requirement[]]>([
    ['app=checkout', [{ key: 'app', op: 'in', values: ['checkout'] }]],
    ['app==checkout', [{ key: 'app', op: 'in', values: ['checkout'] }]],
    ['app!=checkout', [{ key: 'app', op: 'notin', values: ['checkout'] }]],
    ['  app = checkout  ', [{ key: 'app', op: 'in', values: ['checkout'] }]],
    ['app=', [{ key: 'app', op: 'in', values: [''] }]],
    [
      'app.kubernetes.io/name=checkout,tier!=batch',
      [
        { key: 'app.kubernetes.io/name', op: 'in', values: ['checkout'] },
        { key: 'tier', op: 'notin', values: ['batch'] },
      ],
    ],
    [
      'env in (prod, staging)',
      [{ key: 'env', op: 'in', values: ['prod', 'staging'] }],
    ],
    ['env notin (dev)', [{ key: 'env', op: 'notin', values: ['dev'] }]],
    ['env in(prod)', [{ key: 'env', op: 'in', values: ['prod'] }]],
    [
      'env in (prod,staging),app=checkout',
      [
        { key: 'env', op: 'in', values: ['prod', 'staging'] },
        { key: 'app', op: 'in', values: ['checkout'] },
      ],
    ],
    ['canary', [{ key: 'canary', op: 'exists' }]],
    ['!canary', [{ key: 'canary', op: 'not-exists' }]],
    ['! canary', [{ key: 'canary', op: 'not-exists' }]],
    [
      'app=web,!canary,example.com/team',
      [
        { key: 'app', op: 'in', values: ['web'] },
        { key: 'canary', op: 'not-exists' },
        { key: 'example.com/team', op: 'exists' },
      ],
    ],
  ])('parses %j', (text, expected) => {
    expect(parseLabelSelector(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['app=a,,tier=b', 'empty requirement'],
    ['app=a,', 'empty requirement'],
    ['env in (prod,staging', 'unbalanced parentheses'],
    ['env in prod,staging)', 'unbalanced parentheses'],
    ['env in (prod,,staging)', 'empty value'],
    ['app=check out', 'cannot parse'],
    ['app=Check Out!', 'cannot parse'],
    ['app=check$out', "label value 'check$out' is not valid"],
    ['app=-checkout', "label value '-checkout' is not valid"],
    [`app=${'a'.repeat(64)}`, 'is not valid'],
    [
      'Bad_Prefix.COM/app=x',
      "label key prefix 'Bad_Prefix.COM' is not a DNS subdomain",
    ],
    ['example.com/=x', 'is not a valid label name'],
    [`${'k'.repeat(64)}=x`, 'is not a valid label name'],
    ['-app=x', 'is not a valid label name'],
    ['env in (prod, st@ging)', "label value 'st@ging' is not valid"],
    ['app=a=b', "label value 'a=b' is not valid"],
    [`app=${'x,'.repeat(600)}`, 'longer than 1024'],
  ])('rejects %j (%s)', (text, message) => {
    expect(() => parseLabelSelector(text)).toThrow(message);
  });
});

describe('labelKeyError / labelValueError', () => {
  it.each([
    'app',
    'app.kubernetes.io/name',
    'Team_Name.v2',
    `${'a'.repeat(253)}/x`, // Kubernetes caps the prefix at 253 characters
  ])('accepts key %j', key => {
    expect(labelKeyError(key)).toBeUndefined();
  });

  it.each([
    [`${'a'.repeat(254)}/x`, 'not a DNS subdomain'],
    ['UPPER.example.com/x', 'not a DNS subdomain'],
    ['a/b/c', 'is not a valid label name'],
    ['', 'is not a valid label name'],
  ])('rejects key %j (%s)', (key, error) => {
    expect(labelKeyError(key)).toContain(error);
  });

  it.each(['', 'checkout', 'v1.2_3-rc', 'a'.repeat(63)])(
    'accepts value %j',
    value => {
      expect(labelValueError(value)).toBeUndefined();
    },
  );

  it.each(['a'.repeat(64), '_leading', 'trailing.', 'has space'])(
    'rejects value %j',
    value => {
      expect(labelValueError(value)).toContain('is not valid');
    },
  );
});

describe('matchesSelector', () => {
  const labels = {
    app: 'checkout',
    env: 'prod',
    'app.kubernetes.io/name': 'checkout',
  };

  it.each([
    ['app=checkout', labels, true],
    ['app=cart', labels, false],
    ['app!=cart', labels, true],
    ['app!=checkout', labels, false],
    ['tier!=batch', labels, true], // != also matches when the label is absent
    ['tier=', labels, false], // = '' needs the label to exist
    ['tier=', { ...labels, tier: '' }, true],
    ['env in (prod,staging)', labels, true],
    ['env in (dev,staging)', labels, false],
    ['env notin (dev,staging)', labels, true],
    ['env notin (prod)', labels, false],
    ['tier notin (batch)', labels, true], // notin matches an absent label too
    ['tier in (batch)', labels, false],
    ['env', labels, true],
    ['tier', labels, false],
    ['!tier', labels, true],
    ['!env', labels, false],
    ['app=checkout,env=prod', labels, true],
    ['app=checkout,env=dev', labels, false],
    ['app.kubernetes.io/name=checkout,!canary', labels, true],
    ['app=checkout', {}, false],
    ['!app', {}, true],
  ])('%j against %j → %s', (selector, l, expected) => {
    expect(matchesSelector(parseLabelSelector(selector), l)).toBe(expected);
  });

  it('does not match inherited object properties as labels', () => {
    expect(matchesSelector(parseLabelSelector('constructor'), {})).toBe(false);
    expect(matchesSelector(parseLabelSelector('toString'), {})).toBe(false);
  });
});

describe('formatSelector', () => {
  it.each([
    ['app=checkout', 'app=checkout'],
    ['app==checkout', 'app=checkout'],
    ['app != cart', 'app!=cart'],
    ['env in (prod, staging)', 'env in (prod,staging)'],
    ['env notin (dev)', 'env!=dev'],
    ['!canary', '!canary'],
    ['example.com/team', 'example.com/team'],
    ['app=web, !canary , env in (a,b)', 'app=web,!canary,env in (a,b)'],
  ])('formats %j as %j', (input, output) => {
    expect(formatSelector(parseLabelSelector(input))).toBe(output);
  });

  it.each([
    'app=web,!canary,env in (a,b)',
    'tier!=batch,example.com/team',
    'env notin (dev,test)',
  ])('round-trips %j', text => {
    const parsed = parseLabelSelector(text);
    expect(parseLabelSelector(formatSelector(parsed))).toEqual(parsed);
  });
});
