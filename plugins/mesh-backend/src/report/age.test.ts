import { reportFor, entity, snapshot } from '../__testUtils__/fixtures';
import { markIfOld } from './age';

const MIN = 60_000;
const GENERATED = new Date('2026-11-01T10:00:00.000Z');
const fresh = {
  ...reportFor(
    entity('checkout', { 'backstage.io/kubernetes-id': 'checkout' }),
    [snapshot('prod', [])],
    '5m',
    GENERATED,
  ),
  stale: false,
  lastGoodAt: GENERATED.toISOString(),
};
const at = (minutes: number) => new Date(GENERATED.getTime() + minutes * MIN);

describe('markIfOld', () => {
  it.each([
    [0, false],
    [14, false],
    [15, false],
    [16, true],
    [60 * 24 * 3, true],
  ])(
    'a report %s minutes old with a 15-minute limit is stale: %s',
    (minutes, stale) => {
      expect(markIfOld(fresh, at(minutes), 15 * MIN).stale).toBe(stale);
    },
  );

  it('says how old the report is and why that makes it stale, keeping the last good time', () => {
    const old = markIfOld(fresh, at(60 * 24 * 3), 15 * MIN);
    expect(old.staleReason).toBe(
      'the report is 3 day(s) old, past the 15 minute(s) after which reports count as stale (mesh.staleAfter): collection has not run since',
    );
    expect(old.lastGoodAt).toBe(GENERATED.toISOString());
    expect(old.checks).toBe(fresh.checks);
  });

  it('keeps the reason a report was already stale for', () => {
    const already = {
      ...fresh,
      stale: true,
      staleReason: "prometheus source of cluster 'prod' failed",
    };
    expect(markIfOld(already, at(120), 15 * MIN).staleReason).toBe(
      "the report is 2 hour(s) old, past the 15 minute(s) after which reports count as stale (mesh.staleAfter): collection has not run since; prometheus source of cluster 'prod' failed",
    );
  });
});
