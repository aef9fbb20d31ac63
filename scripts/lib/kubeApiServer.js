#!/usr/bin/env node
// @ts-check
/**
 * Runs the fixture Kubernetes API in its own process, serving the objects of a JSON file
 * (an array), so that a benchmark measures the collecting process alone.
 * Usage: node kubeApiServer.js <objects.json> <token>. Prints `{"url": …}` once listening.
 */
const fs = require('node:fs');
const { startFixtureKubeApi } = require('./kubeApi');

async function main() {
  const [file, token] = process.argv.slice(2);
  const objects = JSON.parse(fs.readFileSync(file, 'utf8'));
  const api = await startFixtureKubeApi({ objects, token });
  process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
  const stop = () => api.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(e => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
