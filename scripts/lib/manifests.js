// @ts-check
/**
 * Manifests with relative times, for the demo: a `*.yaml.tmpl` file holds `${NOW}`,
 * `${NOW-2d}` or `${NOW+90m}` where a fixed date would age (a pod meshed two days ago
 * stays two days old whenever the demo runs). The backend reads plain manifests only, so
 * `npm start` renders the folder first; the tests' scenario loader does the same
 * (test/src/scenario.ts, held to this by test/src/manifests.test.ts).
 */
const fs = require('node:fs');
const path = require('node:path');

const RELATIVE_TIME = /\$\{NOW(?:([+-])(\d+)([smhd]))?\}/g;
/** @type {Record<string, number>} */
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const TEMPLATE_FILE = /\.ya?ml\.tmpl$/;

/**
 * Each `${NOW…}` as Kubernetes writes a time (`2025-11-02T08:00:00Z`).
 * @param {string} text
 * @param {number} nowMs
 */
function substituteRelativeTimes(text, nowMs) {
  const out = text.replace(RELATIVE_TIME, (_m, sign, n, unit) => {
    const delta = sign ? Number(n) * UNIT_MS[unit] : 0;
    const ms = sign === '-' ? nowMs - delta : nowMs + delta;
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
  const bad = out.match(/\$\{NOW[^}]*\}?/);
  if (bad) throw new Error(`cannot read the relative time ${bad[0]}`);
  return out;
}

/**
 * Copies the manifests of `dir` into `out` (emptied first), each template rendered at
 * `nowMs` and renamed without `.tmpl`.
 * @param {string} dir
 * @param {string} out
 * @param {number} [nowMs]
 */
function renderManifests(dir, out, nowMs = Date.now()) {
  fs.rmSync(out, { recursive: true, force: true });
  for (const entry of fs.readdirSync(dir, {
    withFileTypes: true,
    recursive: true,
  })) {
    if (!entry.isFile()) continue;
    const from = path.join(
      entry.parentPath ?? /** @type {any} */ (entry).path,
      entry.name,
    );
    const relative = path.relative(dir, from);
    const to = path.join(out, relative.replace(/\.tmpl$/, ''));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const text = fs.readFileSync(from, 'utf8');
    fs.writeFileSync(
      to,
      TEMPLATE_FILE.test(relative)
        ? substituteRelativeTimes(text, nowMs)
        : text,
    );
  }
  return out;
}

module.exports = { substituteRelativeTimes, renderManifests };
