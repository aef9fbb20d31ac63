#!/usr/bin/env node
/**
 * The benchmark's steady reader (scripts/benchLoad.mjs, phases b and d), in a process of
 * its own: the benchmark's process also relays Prometheus's answers to the collecting
 * backend (its hang-on-demand proxy), and a load generator sharing that event loop would
 * time the relay, not the backend.
 *
 * Reads at a steady rate, one request every 1000/rate ms whatever the answers do (an
 * open loop), each timed from its send to the end of its body. autocannon's
 * `overallRate` releases a second's budget at once at each second's start, so its
 * latencies measure its own bursts queueing (a p50 of ~70 ms at 200/s on an idle
 * replica), not what a steady 200 reads/s costs.
 *
 * Usage: node pacedReads.mjs <options.json>; prints the summary as one JSON line.
 * options: { port, headers, paths, rate, durationS }
 */
import fs from 'node:fs';
import http from 'node:http';

const sleep = ms => new Promise(r => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

export async function pacedReads({ port, headers, paths, rate, durationS }) {
  // Idle sockets are closed here before the server's keep-alive timeout (5 s in Node)
  // closes them: otherwise a request sent on a socket the server is closing is reset.
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: 256,
    timeout: 4_000,
  });
  const latencies = [];
  const statusCodes = {};
  let errors = 0;
  const errorCodes = {};
  let next = 0;
  const one = () =>
    new Promise(resolve => {
      const started = performance.now();
      const req = http.get(
        {
          host: '127.0.0.1',
          port,
          path: paths[next++ % paths.length],
          headers,
          agent,
        },
        res => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            statusCodes[res.statusCode] =
              (statusCodes[res.statusCode] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', e => {
        errors++;
        // Which error: a reset of a reused keep-alive socket is the client's race with
        // the server's idle timeout, a refused connection is the server's.
        const code = e.code ?? e.message;
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
        resolve();
      });
    });
  const inFlight = [];
  const begin = performance.now();
  const total = rate * durationS;
  for (let i = 0; i < total; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(one());
  }
  await Promise.all(inFlight);
  agent.destroy();
  const durationSActual = (performance.now() - begin) / 1000;
  const sorted = latencies.sort((x, y) => x - y);
  const at = q => Math.round(percentile(sorted, q) * 10) / 10;
  const ok2xx = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);
  return {
    requests: total,
    durationS: Math.round(durationSActual * 100) / 100,
    throughput: Math.round(latencies.length / durationSActual),
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
    ok2xx,
    non2xx: latencies.length - ok2xx,
    errors,
    errorCodes,
    timeouts: 0,
    statusCodes,
    pacing: 'steady (open loop)',
  };
}

const optionsFile = process.argv[2];
if (optionsFile) {
  const options = JSON.parse(fs.readFileSync(optionsFile, 'utf8'));
  console.log(JSON.stringify(await pacedReads(options)));
}
