/**
 * The shipped dashboard against Grafana's own schema (@grafana/schema's dashboard
 * model). What the schema cannot say (unique panel ids, no overlaps, defined variables,
 * metrics that exist) is checked in metrics.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { grafanaDashboardValidator, schemaErrors } from './grafanaSchema';
import { REPO_ROOT } from './scenario';

const DASHBOARD_FILE = path.join(REPO_ROOT, 'docs/grafana/mesh-readiness.json');

describe("the Grafana dashboard against Grafana's schema", () => {
  const validate = grafanaDashboardValidator();
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8'));

  it('is valid', () => {
    validate(dashboard);
    expect(schemaErrors(validate)).toEqual([]);
  });

  // The schema is not an empty check: each of these breaks it.
  it.each<[string, (d: any) => void, RegExp]>([
    [
      'a field Grafana does not define',
      d => {
        d.refreshInterval = '1m';
      },
      /^\/ must NOT have additional properties/,
    ],
    [
      'no schemaVersion',
      d => {
        delete d.schemaVersion;
      },
      /must have required property 'schemaVersion'/,
    ],
    [
      'a graph tooltip mode that does not exist',
      d => {
        d.graphTooltip = 7;
      },
      /^\/graphTooltip must be equal to one of the allowed values/,
    ],
    [
      'a panel position given as text',
      d => {
        d.panels[0].gridPos.w = '12';
      },
      /^\/panels\/0\/gridPos\/w must be number/,
    ],
    [
      'a variable of an unknown type',
      d => {
        d.templating.list[1].type = 'promql';
      },
      /^\/templating\/list\/1\/type must be equal to one of the allowed values/,
    ],
    [
      'a variable whose current value has no value',
      d => {
        d.templating.list[0].current = { text: 'default' };
      },
      /^\/templating\/list\/0\/current must have required property 'value'/,
    ],
    [
      'a time range without its end',
      d => {
        delete d.time.to;
      },
      /^\/time must have required property 'to'/,
    ],
  ])('rejects %s', (_what, breakIt, error) => {
    const broken = JSON.parse(JSON.stringify(dashboard));
    breakIt(broken);
    expect(validate(broken)).toBe(false);
    expect(schemaErrors(validate)).toContainEqual(expect.stringMatching(error));
  });
});
