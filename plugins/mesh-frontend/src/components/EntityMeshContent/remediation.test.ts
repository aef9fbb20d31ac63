import { MTLS_REMEDIATION } from '../../__fixtures__/reports';
import { RemediationBlock, splitRemediation } from './remediation';

const text = (t: string): RemediationBlock => ({ kind: 'text', text: t });
const code = (t: string): RemediationBlock => ({ kind: 'code', text: t });

describe('splitRemediation', () => {
  it.each<[string, string, RemediationBlock[]]>([
    [
      'prose only',
      'Move every workload of the service to one mesh.',
      [text('Move every workload of the service to one mesh.')],
    ],
    [
      'a command alone',
      'kubectl label namespace shop istio-injection=enabled',
      [code('kubectl label namespace shop istio-injection=enabled')],
    ],
    [
      'a sentence, then commands on the following lines, grouped',
      'Restart them to get a proxy:\nkubectl rollout restart deployment/a -n shop\nkubectl rollout restart statefulset/b -n shop',
      [
        text('Restart them to get a proxy:'),
        code(
          'kubectl rollout restart deployment/a -n shop\nkubectl rollout restart statefulset/b -n shop',
        ),
      ],
    ],
    [
      'a heredoc, blank lines and all, up to its terminator',
      MTLS_REMEDIATION,
      [
        text('Enforce strict mTLS for the namespace:'),
        code(MTLS_REMEDIATION.slice(MTLS_REMEDIATION.indexOf('kubectl'))),
      ],
    ],
    [
      'a heredoc body that looks like prose',
      'kubectl apply -f - <<EOF\nnot a command\n\nstill yaml: true\nEOF\nThen wait.',
      [
        code(
          'kubectl apply -f - <<EOF\nnot a command\n\nstill yaml: true\nEOF',
        ),
        text('Then wait.'),
      ],
    ],
    [
      'a wrapped command (trailing backslash)',
      'Attest it:\ncurl -X POST "$BACKSTAGE/api/mesh/v1/attestations" \\\n-d \'{"checkId":"operations.on-call"}\'\nDone.',
      [
        text('Attest it:'),
        code(
          'curl -X POST "$BACKSTAGE/api/mesh/v1/attestations" \\\n-d \'{"checkId":"operations.on-call"}\'',
        ),
        text('Done.'),
      ],
    ],
    [
      'comment lines, then a command, as one block',
      '# Run the drill, then attest it\n# (for the entity, or its owner)\ncurl -X POST x',
      [
        code(
          '# Run the drill, then attest it\n# (for the entity, or its owner)\ncurl -X POST x',
        ),
      ],
    ],
    [
      'a manifest without a heredoc, with its indented lines',
      'Add a PodDisruptionBudget:\napiVersion: policy/v1\nkind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: istiod\nThen apply it.',
      [
        text('Add a PodDisruptionBudget:'),
        code(
          'apiVersion: policy/v1\nkind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: istiod',
        ),
        text('Then apply it.'),
      ],
    ],
    [
      'paragraphs separated by blank lines, indented prose kept as prose',
      'First paragraph.\n  still the first.\n\n\nSecond paragraph.',
      [text('First paragraph.\n  still the first.'), text('Second paragraph.')],
    ],
    [
      'a command word inside a sentence stays prose',
      '- or Istio ambient: kubectl label namespace shop istio.io/dataplane-mode=ambient',
      [
        text(
          '- or Istio ambient: kubectl label namespace shop istio.io/dataplane-mode=ambient',
        ),
      ],
    ],
    [
      'Windows line ends',
      'Do:\r\nkubectl get pods\r\n',
      [text('Do:'), code('kubectl get pods')],
    ],
    ['nothing', '', []],
    ['blank lines only', '\n \n', []],
  ])('%s', (_what, input, expected) => {
    expect(splitRemediation(input)).toEqual(expected);
  });

  it('keeps every non-blank line, in order', () => {
    const input =
      'Why.\nkubectl a \\\n  --b\n# note\n\nMore prose.\napiVersion: v1\nkind: X';
    const blocks = splitRemediation(input);
    expect(blocks.map(b => b.text).join('\n')).toBe(
      input
        .split('\n')
        .filter(l => l.trim())
        .join('\n'),
    );
  });
});
