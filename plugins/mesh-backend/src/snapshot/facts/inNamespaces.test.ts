import { inNamespaces } from './inNamespaces';

describe('inNamespaces', () => {
  const list = [
    { ns: 'a', n: 1 },
    { ns: 'b', n: 2 },
    { ns: 'a', n: 3 },
    { ns: 'root', n: 4 },
    { ns: 'b', n: 5 },
  ];
  const nsOf = (x: { ns: string }) => x.ns;

  it.each([
    [['a'], [1, 3]],
    [
      ['b', 'a'],
      [1, 2, 3, 5],
    ],
    [
      ['root', 'a', 'a'],
      [1, 3, 4],
    ],
    [['missing'], []],
    [[], []],
  ])('%j gives %j, in list order', (namespaces, want) => {
    expect(inNamespaces(list, namespaces, nsOf).map(x => x.n)).toEqual(want);
  });

  it('indexes a list once, whatever the number of look-ups', () => {
    const calls = jest.fn(nsOf);
    const fresh = [...list];
    for (let i = 0; i < 50; i++) inNamespaces(fresh, ['a', 'b'], calls);
    expect(calls).toHaveBeenCalledTimes(list.length);
  });

  it('leaves out items without a namespace', () => {
    expect(
      inNamespaces([{ ns: undefined }, { ns: 'x' }], ['x'], i => i.ns),
    ).toEqual([{ ns: 'x' }]);
  });
});
