import fs from 'node:fs';
import { PrometheusClient } from '../src/sources/prometheus/PrometheusClient';
import { PrometheusSource } from '../src/sources/prometheus/PrometheusSource';
const env = JSON.parse(fs.readFileSync('/tmp/mesh-scratch/env/n5000/env.json', 'utf8'));
const mb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const cur = () => { const m = process.memoryUsage(); return `rss ${Math.round(m.rss/1e6)} heap ${Math.round(m.heapUsed/1e6)} ext ${Math.round(m.external/1e6)} ab ${Math.round(m.arrayBuffers/1e6)}`; };
async function main() {
  const mode = process.argv[2];
  console.log('baseline peak', mb(), cur());
  const client = new PrometheusClient({ url: env.prom, timeoutMs: 120000, collectStats: true });
  const src = new PrometheusSource({ querier: client, description: 'x', window: '5m', concurrency: 4, shardCount: Number(process.argv[3] ?? 4), recordingRules: mode === 'rules' ? 'auto' : false });
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const d = await src.fetch(new Date(env.end * 1000));
    console.log('fetch', Math.round(performance.now() - t), 'ms peak', mb(), cur(), d.queries, client.evalMs|0, client.decodeMs|0);
  }
}
main();
