import {
  renderManifests,
  substituteRelativeTimes,
} from 'mesh-devtools/manifests';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  REPO_ROOT,
  substituteRelativeTimes as loaderSubstitute,
} from './scenario';

const NOW = Date.parse('2026-11-30T12:00:00Z');

describe("the demo's manifest templates, as npm start renders them", () => {
  it('renders relative times as the scenario loader does', () => {
    const text =
      "a: '${NOW}'\nb: '${NOW-2d}'\nc: '${NOW+90m}'\nd: '${NOW-30s}'\n";
    expect(substituteRelativeTimes(text, NOW)).toBe(
      loaderSubstitute(text, NOW),
    );
    expect(substituteRelativeTimes("b: '${NOW-2d}'", NOW)).toBe(
      "b: '2026-11-28T12:00:00Z'",
    );
    expect(() => substituteRelativeTimes('${NOW-2w}', NOW)).toThrow(
      'cannot read the relative time ${NOW-2w}',
    );
  });

  it('copies demo/kubernetes with every template rendered and renamed', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-demo-render-'));
    try {
      renderManifests(path.join(REPO_ROOT, 'demo/kubernetes'), out, NOW);
      const files = fs.readdirSync(out).sort();
      expect(files).toContain('payments.yaml');
      expect(files.some(f => f.endsWith('.tmpl'))).toBe(false);
      const payments = parseAllDocuments(
        fs.readFileSync(path.join(out, 'payments.yaml'), 'utf8'),
      )[0].toJS();
      const created = Object.fromEntries(
        payments.items.map((o: any) => [
          `${o.kind}/${o.metadata.name}`,
          o.metadata.creationTimestamp,
        ]),
      );
      // Meshed two days ago: inside the 7-day rollout window, whenever it runs.
      expect(created).toEqual({
        'Deployment/payments': '2026-09-01T12:00:00Z',
        'Pod/payments-5f6d7c8b9-k2j4h': '2026-11-28T12:00:00Z',
        'Pod/payments-5f6d7c8b9-p9o8i': '2026-11-28T12:00:00Z',
      });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
