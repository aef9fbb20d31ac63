import { CHECK_DEFINITIONS } from './checks';
import {
  CHECK_SECTION_BY_CATEGORY,
  CHECK_SECTION_BY_ID,
  CHECK_SECTIONS,
  sectionOf,
} from './sections';

describe('check sections', () => {
  it('lists the eight sections of the reference document in its order', () => {
    expect(CHECK_SECTIONS.map(s => s.id)).toEqual([
      'rollout',
      'workloads',
      'sizing',
      'security',
      'upgrades',
      'observability',
      'operations',
      'value',
    ]);
  });

  it('places every built-in check in a section that exists', () => {
    const known = new Set(CHECK_SECTIONS.map(s => s.id));
    expect(Object.keys(CHECK_SECTION_BY_ID).sort()).toEqual(
      Object.keys(CHECK_DEFINITIONS).sort(),
    );
    for (const section of Object.values(CHECK_SECTION_BY_ID)) {
      expect(known.has(section)).toBe(true);
    }
  });

  it('leaves no section empty', () => {
    const used = new Set(Object.values(CHECK_SECTION_BY_ID));
    expect(CHECK_SECTIONS.filter(s => !used.has(s.id))).toEqual([]);
  });

  it('gives every category of the catalog a section', () => {
    const categories = new Set(
      Object.values(CHECK_DEFINITIONS).map(d => d.category),
    );
    for (const category of categories) {
      expect(CHECK_SECTION_BY_CATEGORY[category]).toBeDefined();
    }
  });

  it.each([
    // by id, where the category alone would say otherwise
    [{ id: 'operations.runbook', category: 'operations' }, 'upgrades'],
    [{ id: 'mesh.config-validation', category: 'mesh' }, 'operations'],
    [
      { id: 'control-plane.certificates', category: 'control-plane' },
      'security',
    ],
    [{ id: 'health.golden-signals', category: 'health' }, 'observability'],
    // an adopter's check, by its category
    [{ id: 'acme.retries', category: 'security' }, 'security'],
    [{ id: 'acme.sizing', category: 'control-plane' }, 'sizing'],
    // an unknown category has no section
    [{ id: 'acme.other', category: 'cost' }, undefined],
    // an id of another object's prototype is no check id
    [{ id: 'constructor', category: 'toString' }, undefined],
  ])('sectionOf(%j) is %s', (check, section) => {
    expect(sectionOf(check)).toBe(section);
  });
});
