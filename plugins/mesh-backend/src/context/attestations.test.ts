import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { Attestation } from '@mesh-readiness/plugin-mesh-common';
import { attestationsFor, attestationTargets } from './attestations';

const component = (spec: JsonObject, extra: Partial<Entity> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'shop' },
  spec,
  ...extra,
});

describe('attestationTargets', () => {
  it.each([
    {
      name: 'the entity alone',
      entity: component({}),
      targets: ['component:shop/checkout'],
    },
    {
      name: 'owner and system from spec, in the entity namespace',
      entity: component({ owner: 'team-shop', system: 'Shop' }),
      targets: [
        'component:shop/checkout',
        'group:shop/team-shop',
        'system:shop/shop',
      ],
    },
    {
      name: 'qualified refs as written',
      entity: component({
        owner: 'user:default/alice',
        system: 'system:core/payments',
      }),
      targets: [
        'component:shop/checkout',
        'user:default/alice',
        'system:core/payments',
      ],
    },
    {
      name: 'relations from the catalog',
      entity: component(
        {},
        {
          relations: [
            { type: 'ownedBy', targetRef: 'group:default/Team-Shop' },
            { type: 'partOf', targetRef: 'system:default/shop' },
            { type: 'dependsOn', targetRef: 'component:default/cart' },
          ],
        },
      ),
      targets: [
        'component:shop/checkout',
        'group:default/team-shop',
        'system:default/shop',
      ],
    },
    {
      name: 'a malformed owner attests nothing',
      entity: component({ owner: 'group:', system: 42 }),
      targets: ['component:shop/checkout'],
    },
  ])('$name', ({ entity, targets }) => {
    expect(attestationTargets(entity)).toEqual(targets);
  });
});

describe('attestationsFor', () => {
  const a = (
    id: string,
    entityRef: string,
    createdAt: string,
  ): Attestation => ({
    id,
    entityRef,
    checkId: 'operations.on-call',
    note: 'trained',
    createdBy: 'user:default/alice',
    createdAt,
    expiresAt: '2027-01-01T00:00:00.000Z',
  });

  it('keeps those for the entity, its owner and its system, newest first, whatever the case', () => {
    const entity = component({ owner: 'team-shop', system: 'shop' });
    const all = [
      a('own', 'Component:shop/Checkout', '2026-01-01T00:00:00.000Z'),
      a('team', 'group:shop/team-shop', '2026-03-01T00:00:00.000Z'),
      a('system', 'system:shop/shop', '2026-02-01T00:00:00.000Z'),
      a('other-team', 'group:shop/team-pay', '2026-04-01T00:00:00.000Z'),
      a(
        'other-entity',
        'component:default/checkout',
        '2026-04-01T00:00:00.000Z',
      ),
    ];
    expect(attestationsFor(entity, all).map(x => x.id)).toEqual([
      'team',
      'system',
      'own',
    ]);
  });
});
