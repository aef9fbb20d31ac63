import fs from 'node:fs';
import { PrometheusClient } from '../src/sources/prometheus/PrometheusClient';
import { PrometheusSource } from '../src/sources/prometheus/PrometheusSource';
const env = JSON.parse(fs.readFileSync('/tmp/mesh-scratch/env/n5000/env.json', 'utf8'));
async function main() {
  const at = new Date(env.end * 1000);
  for (const rr of [false, 'auto'] as const)
  for (const [name, o] of [['unsharded', {shardCount: 1}], ['labelValues4', {shardCount: 4, shardNamespaces: 'labelValues'}], ['previous4', {shardCount: 4}], ['previous2', {shardCount: 2}], ['previous8', {shardCount: 8}], ['prev4-c8', {shardCount: 8, concurrency: 8}]] as const) {
    const client = new PrometheusClient({ url: env.prom, timeoutMs: 120000, collectStats: true });
    const src = new PrometheusSource({ querier: client, description: 'x', window: '5m', concurrency: 4, recordingRules: rr, ...(o as any) });
    await src.fetch(at);
    const ws: number[] = [];
    const e0 = client.evalMs, r0 = client.requests;
    for (let i = 0; i < 3; i++) { const t = performance.now(); await src.fetch(at); ws.push(Math.round(performance.now() - t)); }
    console.log(String(rr), name, ws.sort((a,b)=>a-b)[1], ws, 'eval/run', Math.round((client.evalMs - e0)/3), 'req/run', (client.requests - r0)/3);
  }
}
main();
