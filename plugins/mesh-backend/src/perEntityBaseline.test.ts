import { QUERY_CATALOG } from '@mesh-readiness/plugin-mesh-node';
// The bench lives in dev/, which jest does not search; its baseline is checked here.
import { PER_ENTITY } from '../dev/perEntity';

describe("the bench's per-entity baseline", () => {
  it('narrows every query catalog entry, and nothing else', () => {
    expect(Object.keys(PER_ENTITY).sort()).toEqual(
      Object.keys(QUERY_CATALOG).sort(),
    );
  });
});
