import { Entity } from '@backstage/catalog-model';
import {
  hasAnnotation,
  hasLabel,
  isEntityKind,
  isEntityOwner,
  meshReportReadConditions,
} from './rules';
import { localRuleset } from './ruleset';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'servicemesh/tier': 'Gold' },
    labels: { Team: 'shop' },
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/team-shop' },
    { type: 'partOf', targetRef: 'group:default/team-other' },
  ],
};

describe('mesh.report.read rules, as the catalog defines them', () => {
  it.each<[string, boolean, boolean]>([
    [
      'owner among the claims',
      isEntityOwner.apply(entity, { claims: ['group:default/team-shop'] }),
      true,
    ],
    [
      'owner not among the claims',
      isEntityOwner.apply(entity, { claims: ['group:default/team-b'] }),
      false,
    ],
    [
      'a relation other than ownedBy does not own',
      isEntityOwner.apply(entity, { claims: ['group:default/team-other'] }),
      false,
    ],
    [
      'no relations',
      isEntityOwner.apply(
        { ...entity, relations: undefined },
        { claims: ['group:default/team-shop'] },
      ),
      false,
    ],
    [
      'kind, case-insensitively',
      isEntityKind.apply(entity, { kinds: ['system', 'component'] }),
      true,
    ],
    ['another kind', isEntityKind.apply(entity, { kinds: ['api'] }), false],
    [
      'annotation present',
      hasAnnotation.apply(entity, { annotation: 'servicemesh/tier' }),
      true,
    ],
    [
      'annotation with its value, case-insensitively',
      hasAnnotation.apply(entity, {
        annotation: 'servicemesh/tier',
        value: 'gold',
      }),
      true,
    ],
    [
      'annotation with another value',
      hasAnnotation.apply(entity, {
        annotation: 'servicemesh/tier',
        value: 'silver',
      }),
      false,
    ],
    [
      'annotation absent',
      hasAnnotation.apply(entity, { annotation: 'x/y' }),
      false,
    ],
    [
      'label by another case',
      hasLabel.apply(entity, { label: 'team', value: 'shop' }),
      true,
    ],
    ['label absent', hasLabel.apply(entity, { label: 'tier' }), false],
  ])('%s', (_what, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('makes conditions in the mesh plugin for catalog entities', () => {
    expect(
      meshReportReadConditions.isEntityOwner({ claims: ['group:default/a'] }),
    ).toEqual({
      rule: 'IS_ENTITY_OWNER',
      resourceType: 'catalog-entity',
      params: { claims: ['group:default/a'] },
    });
  });

  it('finds the built-in rules by name, and refuses an unknown one', () => {
    expect(localRuleset().getRuleByName('HAS_LABEL')).toBe(hasLabel);
    expect(() => localRuleset().getRuleByName('HAS_SPEC')).toThrow(
      'Unexpected permission rule: HAS_SPEC',
    );
  });
});
