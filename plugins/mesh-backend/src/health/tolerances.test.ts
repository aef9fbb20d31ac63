import {
  codePattern,
  DEFAULT_TOLERANCES,
  parseRateAnnotation,
  tolerancesFor,
} from './tolerances';

describe('codePattern', () => {
  it.each([
    ['5XX', '503', true],
    ['5XX', '5030', false],
    ['5XX', '404', false],
    ['4XX', '404', true],
    ['-', '-', true],
    ['-', '0', false],
    ['^[1-9]$|^1[0-6]$', '14', true],
    ['^[1-9]$|^1[0-6]$', '0', false],
    ['^[1-9]$|^1[0-6]$', '17', false],
    ['429', '429', true],
  ])('%s matches %s: %s', (code, value, expected) => {
    expect(codePattern(code).test(value)).toBe(expected);
  });
});

describe('parseRateAnnotation', () => {
  it('reads Kiali’s syntax, several entries separated by ;', () => {
    expect(parseRateAnnotation('5XX,1,5,http,inbound; 4XX,,30,,')).toEqual({
      tolerances: [
        {
          code: '5XX',
          degraded: 1,
          failure: 5,
          protocol: 'http',
          direction: 'inbound',
        },
        { code: '4XX', failure: 30, protocol: '.*', direction: '.*' },
      ],
    });
  });

  it.each([
    ['', 'no tolerance given'],
    [',1,5', 'the code is empty'],
    ['5XX,1', 'failure must be a percentage'],
    ['5XX,1,101', 'failure must be a percentage'],
    [
      '5XX,20,10',
      'degraded must be a percentage from 0 to the failure threshold',
    ],
    ['5XX,,abc', 'failure must be a percentage'],
    ['([,1,5', 'Invalid regular expression'],
    ['(a+)+$,,10', 'the code nests quantifiers'],
    [`5XX,,10,http,${'(.*)*'.repeat(3)}x`, 'the direction nests quantifiers'],
    [`5XX,,10,${'h'.repeat(65)}`, 'the protocol is longer than 64 characters'],
  ])('refuses %p: %s', (value, error) => {
    const parsed = parseRateAnnotation(value);
    expect('error' in parsed && parsed.error).toContain(error);
  });
});

describe('tolerancesFor', () => {
  it('uses the configured tolerances without an annotation', () => {
    expect(tolerancesFor({}).tolerances).toBe(DEFAULT_TOLERANCES);
  });

  it('puts the annotation first; it wins for its code, protocol and direction', () => {
    const { tolerances, error } = tolerancesFor({
      'servicemesh/health-rate': '5XX,,5,http,.*',
    });
    expect(error).toBeUndefined();
    expect(tolerances[0]).toEqual({
      code: '5XX',
      failure: 5,
      protocol: 'http',
      direction: '.*',
    });
    expect(tolerances.filter(t => t.code === '5XX')).toHaveLength(1);
    expect(tolerances).toHaveLength(DEFAULT_TOLERANCES.length);
  });

  it('honours Kiali’s own annotation, ours first when both are set', () => {
    expect(
      tolerancesFor({ 'health.kiali.io/rate': '4XX,5,10,http,inbound' })
        .tolerances[0],
    ).toMatchObject({ code: '4XX', degraded: 5, failure: 10 });
    expect(
      tolerancesFor({
        'health.kiali.io/rate': '4XX,5,10,http,inbound',
        'servicemesh/health-rate': '4XX,1,2,http,inbound',
      }).tolerances[0],
    ).toMatchObject({ degraded: 1, failure: 2 });
  });

  it('says why an invalid annotation was ignored', () => {
    const { tolerances, error } = tolerancesFor({
      'servicemesh/health-rate': '5XX,50,10',
    });
    expect(tolerances).toBe(DEFAULT_TOLERANCES);
    expect(error).toContain(
      'The annotation servicemesh/health-rate is invalid',
    );
  });
});
