import {
  EDGE_WINDOW_MONTHS,
  digestOnly,
  imageTagOf,
  istioSkew,
  linkerdSkew,
  parseVersion,
  sameRelease,
  versionOfRevision,
} from './versions';

describe('parseVersion', () => {
  it.each([
    ['1.22.3', { scheme: 'semver', major: 1, minor: 22, patch: 3 }],
    [
      '1.22-alpha.0a1b2c3d',
      { scheme: 'semver', major: 1, minor: 22, suffix: 'alpha.0a1b2c3d' },
    ],
    [
      '1.24.2-distroless',
      { scheme: 'semver', major: 1, minor: 24, patch: 2, suffix: 'distroless' },
    ],
    ['v2.14.1', { scheme: 'semver', major: 2, minor: 14, patch: 1 }],
    [
      'stable-2.14.10',
      { scheme: 'semver', channel: 'stable', major: 2, minor: 14, patch: 10 },
    ],
    [
      'enterprise-2.15.4',
      {
        scheme: 'semver',
        channel: 'enterprise',
        major: 2,
        minor: 15,
        patch: 4,
      },
    ],
    ['edge-24.5.1', { scheme: 'edge', year: 2024, month: 5, build: 1 }],
    ['edge-25.12.3', { scheme: 'edge', year: 2025, month: 12, build: 3 }],
  ])('%s', (text, want) => {
    expect(parseVersion(text)).toMatchObject({ ...want, text });
  });

  it.each([
    ['latest'],
    ['1-22-3'],
    ['edge-24.13.1'],
    ['sha256:abc'],
    [''],
    [undefined],
  ])('refuses %s', text => {
    expect(parseVersion(text)).toBeUndefined();
  });
});

describe('versionOfRevision', () => {
  it.each([
    ['1-22-3', { major: 1, minor: 22, patch: 3 }],
    ['1-22', { major: 1, minor: 22 }],
    ['1-23-0-canary', { major: 1, minor: 23, patch: 0 }],
  ])('%s', (rev, want) => {
    expect(versionOfRevision(rev)).toMatchObject(want);
  });
  it.each([['canary'], ['default'], ['stable'], [undefined]])(
    '%s names no version',
    rev => {
      expect(versionOfRevision(rev)).toBeUndefined();
    },
  );
});

describe('image tags', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.22.3', '1.22.3'],
    ['docker.io/istio/proxyv2:1.22.3@sha256:0123abcd', '1.22.3'],
    ['registry.local:5000/istio/proxyv2:1.21.0', '1.21.0'],
    ['registry.local:5000/istio/proxyv2', undefined],
    ['cr.l5d.io/linkerd/proxy@sha256:0123abcd', undefined],
    [undefined, undefined],
  ])('%s → %s', (image, tag) => {
    expect(imageTagOf(image)).toBe(tag);
  });

  it('tells a digest-only image from a tagged one', () => {
    expect(digestOnly('cr.l5d.io/linkerd/proxy@sha256:0123abcd')).toBe(true);
    expect(digestOnly('docker.io/istio/proxyv2:1.22.3@sha256:0123abcd')).toBe(
      false,
    );
    expect(digestOnly('docker.io/istio/proxyv2:1.22.3')).toBe(false);
  });
});

describe('istioSkew (proxy, control plane)', () => {
  it.each([
    ['1.22.3', '1.22.1', 'pass', 'matches'],
    ['1.21.5', '1.22.3', 'pass', '1 minor version behind'],
    ['1.20.8', '1.22.3', 'fail', '2 minor versions behind'],
    ['1.23.0', '1.22.3', 'fail', 'ahead'],
    ['1.22-alpha.abc', '1.22.0', 'pass', 'matches'],
    ['2.0.0', '1.22.3', 'fail', 'different major'],
  ])('%s under %s → %s', (proxy, cp, status, words) => {
    const v = istioSkew(parseVersion(proxy)!, parseVersion(cp)!);
    expect(v.status).toBe(status);
    expect(v.reason).toContain(words);
  });

  it('compares with a revision name when istiod names no version', () => {
    expect(
      istioSkew(parseVersion('1.21.2')!, versionOfRevision('1-22-3')!).status,
    ).toBe('pass');
  });

  it('cannot compare an edge release', () => {
    expect(
      istioSkew(parseVersion('edge-24.5.1')!, parseVersion('1.22.3')!).status,
    ).toBe('unknown');
  });
});

describe('linkerdSkew (proxy, control plane)', () => {
  it.each([
    ['stable-2.14.10', 'stable-2.14.1', 'pass', 'same series'],
    ['stable-2.13.7', 'stable-2.14.10', 'pass', 'one series behind'],
    ['stable-2.12.5', 'stable-2.14.10', 'fail', '2 release series behind'],
    ['enterprise-2.15.4', 'stable-2.14.10', 'fail', 'ahead'],
    ['enterprise-2.14.4', 'enterprise-2.15.4', 'pass', 'one series behind'],
    ['edge-24.11.8', 'edge-24.11.8', 'pass', 'matches'],
    ['edge-24.8.2', 'edge-24.11.8', 'pass', '3 month(s) older'],
    [
      `edge-24.5.1`,
      'edge-24.11.8',
      'pass',
      `within ${EDGE_WINDOW_MONTHS} months`,
    ],
    ['edge-24.2.1', 'edge-24.11.8', 'fail', '9 months older'],
    ['edge-24.11.9', 'edge-24.11.8', 'fail', 'newer'],
    ['edge-25.1.1', 'edge-24.11.8', 'fail', 'newer'],
    ['edge-24.11.8', 'stable-2.14.10', 'unknown', 'edge releases are dated'],
  ])('%s under %s → %s', (proxy, cp, status, words) => {
    const v = linkerdSkew(parseVersion(proxy)!, parseVersion(cp)!);
    expect(v.status).toBe(status);
    expect(v.reason).toContain(words);
  });
});

describe('sameRelease', () => {
  it.each([
    ['1.22.3', '1.22.3-distroless', true],
    ['1.22.3', '1.22.4', false],
    ['edge-24.5.1', 'edge-24.5.1', true],
    ['edge-24.5.1', 'stable-2.14.1', false],
  ])('%s vs %s', (a, b, same) => {
    expect(sameRelease(parseVersion(a)!, parseVersion(b)!)).toBe(same);
  });
});
