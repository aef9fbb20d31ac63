import {
  DEBUG_FLAVORS,
  DebugTarget,
  debugFlavorFor,
  fillDebugCommand,
  getDebugFlavor,
  unfilledPlaceholders,
} from './debugCommands';

const checkout: DebugTarget = {
  namespace: 'shop',
  workload: 'checkout',
  kind: 'Deployment',
  pod: 'checkout-7d9f8b6c4-x2k9q',
  waypoint: 'waypoint',
};

/** Every command of a flavor, filled for the target. */
const filled = (id: Parameters<typeof getDebugFlavor>[0], t: DebugTarget) =>
  getDebugFlavor(id).commands.map(c => fillDebugCommand(c.template, t));

describe('debug commands', () => {
  it.each([
    [
      'istio-sidecar',
      [
        'kubectl get pods -n shop -o wide | grep checkout',
        'istioctl proxy-config endpoints checkout-7d9f8b6c4-x2k9q -n shop',
        'istioctl proxy-config cluster checkout-7d9f8b6c4-x2k9q -n shop',
        'istioctl proxy-config routes checkout-7d9f8b6c4-x2k9q -n shop',
        'istioctl analyze -n shop',
        'istioctl proxy-config log checkout-7d9f8b6c4-x2k9q -n shop --level debug',
      ],
    ],
    [
      'istio-ambient',
      [
        'kubectl get pods -n shop -o wide | grep checkout',
        'istioctl ztunnel-config workloads --workload-namespace shop | grep checkout-7d9f8b6c4-x2k9q',
        'istioctl ztunnel-config services',
        'istioctl waypoint list -n shop',
        'istioctl proxy-config endpoints deploy/waypoint -n shop',
        'istioctl proxy-config cluster deploy/waypoint -n shop',
        'istioctl proxy-config routes deploy/waypoint -n shop',
        'istioctl analyze -n shop',
      ],
    ],
    [
      'linkerd',
      [
        'kubectl get pods -n shop -o wide | grep checkout',
        'linkerd viz tap deploy/checkout -n shop',
        'linkerd viz stat -n shop deploy',
        'linkerd diagnostics proxy-metrics -n shop po/checkout-7d9f8b6c4-x2k9q',
        'linkerd check --proxy -n shop',
      ],
    ],
  ] as const)('fills the %s commands for a pod', (id, expected) => {
    expect(filled(id, checkout)).toEqual(expected);
  });

  it('gives every command a title and a reason, and no flavor twice', () => {
    expect(new Set(DEBUG_FLAVORS.map(f => f.id)).size).toBe(
      DEBUG_FLAVORS.length,
    );
    for (const flavor of DEBUG_FLAVORS) {
      const titles = flavor.commands.map(c => c.title);
      expect(new Set(titles).size).toBe(titles.length);
      for (const c of flavor.commands) {
        expect(c.why.length).toBeGreaterThan(10);
      }
    }
  });

  it.each([
    ['StatefulSet', 'linkerd viz tap sts/checkout -n shop'],
    ['daemonset', 'linkerd viz tap ds/checkout -n shop'],
    // a kind the CLI has no short name for here stays a placeholder
    ['Rollout', 'linkerd viz tap <kind>/checkout -n shop'],
    [undefined, 'linkerd viz tap <kind>/checkout -n shop'],
  ])('writes kind %s as the CLI takes it', (kind, expected) => {
    expect(
      fillDebugCommand('linkerd viz tap <kind>/<workload> -n <namespace>', {
        ...checkout,
        kind,
      }),
    ).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['a shell substitution', '$(reboot)'],
    ['a command separator', 'x; rm -rf ~'],
    ['a quote', "x'y"],
    ['a space', 'checkout x'],
    ['upper case', 'Checkout-1'],
    ['a leading dash (an option)', '-n'],
    ['too long', 'a'.repeat(254)],
  ])('keeps <pod> for a pod name that is %s', (_what, pod) => {
    const command = fillDebugCommand(
      'istioctl proxy-config cluster <pod> -n <namespace>',
      { ...checkout, pod },
    );
    expect(command).toBe('istioctl proxy-config cluster <pod> -n shop');
    expect(unfilledPlaceholders(command)).toEqual(['<pod>']);
  });

  it('trims a pasted pod name', () => {
    expect(fillDebugCommand('po/<pod>', { pod: '  checkout-1\n' })).toBe(
      'po/checkout-1',
    );
  });

  it.each([
    ['a namespace with a dot (not a DNS-1123 label)', { namespace: 'a.b' }],
    ['a namespace of 64 characters', { namespace: 'a'.repeat(64) }],
    ['a workload with a slash', { workload: 'a/b' }],
  ])('keeps placeholders for %s', (_what, bad) => {
    const command = fillDebugCommand(
      'linkerd viz tap <kind>/<workload> -n <namespace>',
      { ...checkout, ...bad },
    );
    expect(unfilledPlaceholders(command)).toHaveLength(1);
  });

  it('leaves every placeholder with nothing to fill', () => {
    const command = fillDebugCommand(
      'istioctl proxy-config cluster deploy/<waypoint> -n <namespace> <pod> <pod>',
      {},
    );
    expect(unfilledPlaceholders(command)).toEqual([
      '<waypoint>',
      '<namespace>',
      '<pod>',
    ]);
  });

  it.each([
    [{ provider: 'istio', dataPlane: 'sidecar' }, 'istio-sidecar'],
    [{ provider: 'istio', dataPlane: 'mixed' }, 'istio-sidecar'],
    [{ provider: 'istio', dataPlane: 'ambient' }, 'istio-ambient'],
    [{ provider: 'linkerd', dataPlane: 'sidecar' }, 'linkerd'],
    [{ provider: 'none', dataPlane: 'none' }, undefined],
    [{ provider: 'unknown' }, undefined],
    [{}, undefined],
  ] as const)('picks the flavor of %j', (mesh, id) => {
    expect(debugFlavorFor(mesh)).toBe(id);
  });
});
