import { ambientSavings, ZTUNNEL_PER_NODE } from './ambient';

describe('ambientSavings', () => {
  it('frees the sidecar requests less a ztunnel per node', () => {
    const s = ambientSavings({ cpuCores: 5, memoryBytes: 500 * 50e6 }, 10);
    expect(s.sidecarRequests).toEqual({ cpuCores: 5, memoryBytes: 25e9 });
    expect(s.nodes).toBe(10);
    expect(s.ztunnel).toEqual({ cpuCores: 0.6, memoryBytes: 120e6 });
    expect(s.net).toEqual({ cpuCores: 4.4, memoryBytes: 25e9 - 120e6 });
    expect(s.ztunnelPerNode).toEqual(ZTUNNEL_PER_NODE);
    expect(s.assumption).toMatch(/one ztunnel per node/);
  });

  it('says nothing of ztunnel when the data names no nodes', () => {
    const s = ambientSavings({ cpuCores: 0.2, memoryBytes: 256e6 }, null);
    expect(s.nodes).toBeNull();
    expect(s.ztunnel).toBeNull();
    expect(s.net).toEqual({ cpuCores: 0.2, memoryBytes: 256e6 });
  });

  it('never reads a net cost as a saving below zero', () => {
    const s = ambientSavings({ cpuCores: 0.01, memoryBytes: 1e6 }, 4);
    expect(s.net).toEqual({ cpuCores: 0, memoryBytes: 0 });
  });
});
