import { stringifySteps } from './jsonSteps';
import { runToEnd } from './timeSlices';

/** Turns non-finite numbers into objects, whatever the key, as the snapshot codec does. */
const keyless = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value)
    ? { nonFinite: String(value) }
    : value;

class Point {
  constructor(readonly x: number, readonly y: number) {}
}

const nullProto = Object.assign(Object.create(null), { a: 1, b: [2] });

const cases: Array<[string, unknown]> = [
  ['an empty object', {}],
  ['an empty array', []],
  ['a scalar root', 42],
  ['a string root', 'a "quoted" \\ line\nbreak, ünïcode ✓'],
  ['null', null],
  [
    'nested objects and arrays',
    { a: { b: { c: { d: { e: [1, [2, [3, { f: 4 }]]] } } } }, g: [] },
  ],
  [
    'undefined and functions in objects are left out',
    { a: undefined, b: () => 1, c: 1, d: undefined },
  ],
  [
    'undefined and functions in arrays are null',
    [undefined, () => 1, 1, Symbol('s')],
  ],
  ['an object whose members are all left out', { a: undefined }],
  [
    'dates and toJSON',
    { at: new Date('2026-11-30T12:00:00Z'), t: { toJSON: () => 'custom' } },
  ],
  ['class instances', { p: new Point(1, 2), list: [new Point(3, 4)] }],
  ['an object without a prototype', { n: nullProto }],
  [
    'non-finite numbers',
    { le: [1, Infinity, -Infinity, NaN], deep: { x: { y: { z: NaN } } } },
  ],
  [
    'keys that need escaping',
    { 'a"b': 1, 'line\nkey': { '\\': [true, false] } },
  ],
];

describe('stringifySteps', () => {
  it.each(cases)('writes what JSON.stringify writes: %s', (_name, value) => {
    for (const depth of [0, 1, 2, 3, 4, 6]) {
      expect(runToEnd(stringifySteps(value, undefined, depth)).join('')).toBe(
        JSON.stringify(value) ?? '',
      );
      expect(runToEnd(stringifySteps(value, keyless, depth)).join('')).toBe(
        JSON.stringify(value, keyless) ?? '',
      );
    }
  });

  it('pauses within a large value, in steps of bounded size', () => {
    const big = {
      workloads: Array.from({ length: 5_000 }, (_, i) => ({
        name: `w${i}`,
        labels: { app: `w${i}`, version: 'v1' },
        ports: [8080, 9090],
      })),
    };
    const steps = stringifySteps(big);
    let pauses = 0;
    let result: IteratorResult<void, string[]>;
    for (result = steps.next(); !result.done; result = steps.next()) pauses++;
    const text = result.value.join('');
    expect(text).toBe(JSON.stringify(big));
    // A step writes about 16 kB: the whole is several hundred kB.
    expect(pauses).toBeGreaterThan(text.length / (32 * 1024));
    expect(pauses).toBeLessThan(text.length / (8 * 1024));
  });

  it('opens a wide container one level past the depth, so a record keyed by workload is not one piece', () => {
    const series = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, i) => [
        `shop/w${i}`,
        [{ le: Infinity, value: i }],
      ]),
    );
    const value = { data: { series: { latency: series } } };
    // Three levels open data, series and latency: latency is opened for its width.
    const steps = stringifySteps(value, keyless, 3);
    let pauses = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) pauses++;
    expect(step.value.join('') === JSON.stringify(value, keyless)).toBe(true);
    expect(pauses).toBeGreaterThan(2);
    expect(Math.max(...step.value.map(p => p.length))).toBeLessThan(1_000);
  });

  it('writes a member larger than a step in one piece, past the levels it opens', () => {
    const wide = { a: { b: 'x'.repeat(40_000) } };
    const parts = runToEnd(stringifySteps(wide, undefined, 1));
    expect(parts.join('') === JSON.stringify(wide)).toBe(true);
    expect(parts.includes(`"a":${JSON.stringify(wide.a)}`)).toBe(true);
  });
});
