import { Entity } from '@backstage/catalog-model';
import {
  isMeshGroupEntity,
  isMeshSystemEntity,
  isMeshWorkloadEntity,
} from './entityFilters';
import { isMeshAvailable } from './plugin';

function entity(kind: string, annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'x', ...(annotations ? { annotations } : {}) },
  };
}

const ID = { 'backstage.io/kubernetes-id': 'x' };
const SELECTOR = { 'backstage.io/kubernetes-label-selector': 'app=x' };
const BLANK = { 'backstage.io/kubernetes-id': '  ' };

describe('which entities get which mesh view', () => {
  // kind, annotations → workload tab, system tab, group card, isMeshAvailable
  it.each<
    [
      string,
      Record<string, string> | undefined,
      boolean,
      boolean,
      boolean,
      boolean,
    ]
  >([
    ['Component', ID, true, false, false, true],
    ['Component', SELECTOR, true, false, false, true],
    ['component', ID, true, false, false, true],
    ['Component', undefined, false, false, false, false],
    ['Component', BLANK, false, false, false, false],
    ['Resource', ID, true, false, false, true],
    ['Resource', undefined, false, false, false, false],
    ['System', undefined, false, true, false, true],
    // An annotated System still gets its roll-up, never a report of its own.
    ['System', ID, false, true, false, true],
    ['Group', undefined, false, false, true, false],
    ['Group', ID, false, false, true, false],
    ['API', ID, false, false, false, false],
    ['Domain', undefined, false, false, false, false],
    ['User', undefined, false, false, false, false],
  ])(
    '%s with %j: tab %s, system tab %s, group card %s, available %s',
    (kind, annotations, workload, system, group, available) => {
      const e = entity(kind, annotations);
      expect(isMeshWorkloadEntity(e)).toBe(workload);
      expect(isMeshSystemEntity(e)).toBe(system);
      expect(isMeshGroupEntity(e)).toBe(group);
      expect(isMeshAvailable(e)).toBe(available);
    },
  );
});
