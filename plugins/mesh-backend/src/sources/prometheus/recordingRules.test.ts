import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  catalogRecordingRules,
  catalogRecordingRulesYaml,
  QUERY_CATALOG,
} from '@mesh-readiness/plugin-mesh-node';
import { ensurePrometheus, startPrometheus } from 'mesh-devtools/prometheus';
import { parse } from 'yaml';
import { PrometheusClient } from './PrometheusClient';

const FILE = path.resolve(
  __dirname,
  '../../../../../docs/prometheus/recording-rules.yaml',
);

describe('docs/prometheus/recording-rules.yaml', () => {
  it('is what the query catalog generates (MESH_WRITE_RULES=1 rewrites it)', () => {
    const generated = catalogRecordingRulesYaml('5m');
    if (process.env.MESH_WRITE_RULES === '1') {
      fs.writeFileSync(FILE, generated);
    }
    expect(fs.readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('holds one rule per catalog entry, keeping its `by` labels', () => {
    const doc = parse(fs.readFileSync(FILE, 'utf8'));
    expect(doc.groups).toHaveLength(1);
    const rules = doc.groups[0].rules as Array<{
      record: string;
      expr: string;
    }>;
    expect(rules.map(r => r.record)).toEqual(
      Object.values(QUERY_CATALOG).map(e => e.recordingRule!('5m')),
    );
    for (const [i, entry] of Object.values(QUERY_CATALOG).entries()) {
      expect(rules[i].expr).toBe(entry.promql('5m', ''));
      expect(rules[i].expr).toContain(`by (${entry.namespaceLabel}`);
    }
  });

  it('passes promtool check rules', () => {
    const { promtool } = ensurePrometheus({ install: false });
    const out = execFileSync(promtool, ['check', 'rules', FILE], {
      encoding: 'utf8',
    });
    expect(out).toContain(
      `SUCCESS: ${Object.keys(QUERY_CATALOG).length} rules found`,
    );
  });

  it("loads into Prometheus, whose rules API prints each expression as the catalog's", async () => {
    const prometheus = await startPrometheus({
      openMetrics: '# EOF\n',
      ruleFiles: [FILE],
    });
    try {
      const rules = await new PrometheusClient({
        url: prometheus.url,
      }).recordingRules();
      expect(rules.map(r => ({ name: r.name, query: r.query }))).toEqual(
        catalogRecordingRules('5m').map(r => ({
          name: r.record,
          query: r.expr,
        })),
      );
    } finally {
      await prometheus.stop();
    }
  }, 60_000);

  it('names a rule after its window', () => {
    expect(catalogRecordingRules('10m').map(r => r.record)).toContain(
      'mesh_workload:istio_requests:rate10m',
    );
    expect(catalogRecordingRulesYaml('10m')).toContain(
      'name: mesh-readiness-10m',
    );
  });
});
