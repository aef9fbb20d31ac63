/**
 * Splits a check's remediation (plain text from the backend: sentences, then the
 * commands and manifests to run) into prose and code blocks, so that each block of
 * commands gets its own copy button. The split never changes a character of a
 * command: code blocks are the remediation's own lines, in order.
 */

export interface RemediationBlock {
  kind: 'text' | 'code';
  text: string;
}

/** CLIs whose command lines the backend writes at the start of a line. */
const COMMAND = /^(\$ )?(kubectl|istioctl|linkerd|helm|curl|kustomize)\s/;
/** Top-level keys that start a Kubernetes manifest, and YAML's document marker. */
const MANIFEST = /^(apiVersion|kind|metadata|spec|---)(:|$|\s)/;
/** A bare YAML key opening a mapping, e.g. `metric_relabel_configs:`. */
const YAML_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*:$/;
/** `<<'YAML'`, `<<EOF`, `<<-EOF`: a heredoc whose body runs to its terminator line. */
const HEREDOC = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

function startsCode(line: string, next: string | undefined): boolean {
  return (
    COMMAND.test(line) ||
    MANIFEST.test(line) ||
    line.startsWith('#') ||
    // A snippet of configuration: a key, then its indented body.
    (YAML_KEY.test(line) && /^\s+\S/.test(next ?? ''))
  );
}

export function splitRemediation(text: string): RemediationBlock[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const blocks: RemediationBlock[] = [];
  let current: { kind: RemediationBlock['kind']; lines: string[] } | undefined;

  const flush = () => {
    if (!current) return;
    // Blank lines only separate blocks; they are not part of one.
    while (current.lines.length && !current.lines[0].trim()) {
      current.lines.shift();
    }
    while (
      current.lines.length &&
      !current.lines[current.lines.length - 1].trim()
    ) {
      current.lines.pop();
    }
    if (current.lines.length) {
      blocks.push({ kind: current.kind, text: current.lines.join('\n') });
    }
    current = undefined;
  };
  const push = (kind: RemediationBlock['kind'], line: string) => {
    if (current?.kind !== kind) {
      flush();
      current = { kind, lines: [] };
    }
    current.lines.push(line);
  };

  let heredocEnd: string | undefined;
  let continued = false;
  for (const [i, line] of lines.entries()) {
    if (heredocEnd !== undefined) {
      push('code', line);
      if (line.trim() === heredocEnd) heredocEnd = undefined;
      continue;
    }
    const inCode = current?.kind === 'code';
    const code =
      continued ||
      startsCode(line, lines[i + 1]) ||
      // Indented lines carry on a manifest or a wrapped command.
      (inCode && /^\s+\S/.test(line));
    if (!code) {
      if (line.trim()) push('text', line);
      else flush();
      continued = false;
      continue;
    }
    push('code', line);
    continued = /\\$/.test(line);
    const heredoc = HEREDOC.exec(line);
    if (heredoc) heredocEnd = heredoc[2];
  }
  flush();
  return blocks;
}
