import {
  dataPlaneBadge,
  formatMs,
  formatPercent,
  formatRelative,
  formatRps,
  meshedPods,
} from './format';
import { makeReport } from '../../__fixtures__/reports';

describe('format', () => {
  it.each([
    ['istio', 'sidecar', 'Istio sidecar'],
    ['istio', 'ambient', 'Istio ambient'],
    ['istio', 'mixed', 'Istio sidecar + ambient'],
    ['istio', 'none', undefined],
    ['linkerd', 'sidecar', 'Linkerd'],
    ['none', 'none', undefined],
    ['unknown', 'sidecar', undefined],
  ] as const)(
    'badges %s with a %s data plane as %s',
    (provider, dataPlane, badge) => {
      expect(dataPlaneBadge({ provider, dataPlane })).toBe(badge);
    },
  );

  it('formats figures and shows a dash for missing ones', () => {
    expect(formatRps(12.345)).toBe('12.3 req/s');
    expect(formatRps(0.054)).toBe('0.05 req/s');
    expect(formatRps(0)).toBe('0.00 req/s');
    expect(formatRps(null)).toBe('—');
    expect(formatPercent(0.992)).toBe('99.20%');
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(null)).toBe('—');
    expect(formatMs(45.12)).toBe('45.1 ms');
    expect(formatMs(0.42)).toBe('0.42 ms');
    expect(formatMs(null)).toBe('—');
    expect(formatMs(Number.NaN)).toBe('—');
  });

  it('sums pods over workloads', () => {
    expect(meshedPods(makeReport())).toEqual({ pods: 4, meshed: 3 });
    expect(meshedPods(makeReport({ workloads: [] }))).toEqual({
      pods: 0,
      meshed: 0,
    });
  });

  it('writes relative times', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(formatRelative('2025-01-01T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2025-01-01T11:59:10Z', now)).toBe('1 minute ago');
    expect(formatRelative('2025-01-01T11:58:00Z', now)).toBe('2 minutes ago');
    expect(formatRelative('2025-01-01T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2024-12-30T12:00:00Z', now)).toBe('2 days ago');
    expect(formatRelative('2025-01-01T12:05:00Z', now)).toBe('in 5 minutes');
    expect(formatRelative('not a date', now)).toBe('not a date');
  });
});
