import fs from 'node:fs/promises';
import path from 'node:path';
import { Document, isNode, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import {
  KubeObject,
  kubeObjectSchema,
  KubernetesFetchResult,
  KubernetesSource,
  SourceProblem,
} from '@mesh-readiness/plugin-mesh-node';
import { certificateOnly, isLinkerdIssuerSecret } from './issuerSecret';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads a directory of manifests as `kubectl get -o yaml` writes them: one object,
 * several documents, or a `kind: List`. What cannot be used (an unreadable file, a
 * document that does not parse, an invalid object) is skipped and reported with its file
 * and line, so a partial read never looks like a complete one; only an unreadable
 * directory fails the whole source.
 *
 * Secrets are left out, as the API source never lists them, except Linkerd's issuer
 * Secret in the Linkerd control-plane namespace (`linkerdNamespace`, or where the
 * directory's `linkerd-config` lives), reduced to its certificate.
 */
export class ManifestsDirSource implements KubernetesSource {
  readonly description: string;

  constructor(
    private readonly dir: string,
    private readonly options: { linkerdNamespace?: string } = {},
  ) {
    this.description = `manifests directory ${dir}`;
  }

  async fetch(): Promise<KubernetesFetchResult> {
    let files: string[];
    try {
      files = await listManifestFiles(this.dir);
    } catch (e) {
      throw new Error(
        `cannot read manifests directory ${this.dir}: ${(e as Error).message}`,
      );
    }
    const objects: KubeObject[] = [];
    const problems: SourceProblem[] = [];
    for (const file of files) {
      const label = path.relative(this.dir, file) || file;
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        // Only the directory itself is required; a file removed or locked since the
        // listing costs only its own objects.
        problems.push({
          location: label,
          message: `file skipped: ${(e as Error).message}`,
        });
        continue;
      }
      const parsed = parseManifestText(text, label);
      objects.push(...parsed.objects);
      problems.push(...parsed.problems);
    }
    return {
      objects: this.withoutSecrets(objects),
      problems,
      requests: files.length,
    };
  }

  private withoutSecrets(objects: KubeObject[]): KubeObject[] {
    const linkerdNamespaces = new Set([
      this.options.linkerdNamespace ?? 'linkerd',
      ...objects
        .filter(
          o => o.kind === 'ConfigMap' && o.metadata.name === 'linkerd-config',
        )
        .map(o => o.metadata.namespace ?? 'default'),
    ]);
    return objects.flatMap(o => {
      if (o.kind !== 'Secret') return [o];
      const issuer = [...linkerdNamespaces].some(ns =>
        isLinkerdIssuerSecret(o, ns),
      );
      return issuer ? [certificateOnly(o)] : [];
    });
  }
}

async function listManifestFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...(await listManifestFiles(full)));
    } else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

/** Parses one manifest file's text; exported for tests and for the fixture API server. */
export function parseManifestText(
  text: string,
  fileLabel: string,
): { objects: KubeObject[]; problems: SourceProblem[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | undefined)
      ?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const objects: KubeObject[] = [];
  const problems: SourceProblem[] = [];
  const accept = (item: unknown, where: string) => {
    const result = kubeObjectSchema.safeParse(item);
    if (result.success) {
      objects.push(result.data);
      return;
    }
    const issue = result.error.issues[0];
    problems.push({
      location: where,
      message: `object skipped: ${issue.path.join('.') || 'object'}: ${
        issue.message
      }`,
    });
  };

  // The document is the unit: `---` boundaries survive a syntax error, so one bad
  // document costs only itself. Inside a document, yaml's error recovery can misplace
  // later keys, so a document with any error is skipped whole (its value is unreliable).
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const docWhere = `${fileLabel}:${lineOf(doc.contents ?? doc)}`;
    const error = doc.errors[0];
    if (error) {
      problems.push({
        location: docWhere,
        message: `document skipped: ${error.message.split('\n')[0]}`,
      });
      continue;
    }
    const itemNodes = listItemNodes(doc);
    if (itemNodes) {
      // Items are converted one by one so that one that cannot be (aliases that expand
      // without bound) costs only itself.
      itemNodes.forEach((node, index) => {
        const where = `${fileLabel}:${lineOf(node)} (items[${index}])`;
        let item: unknown;
        try {
          item = isNode(node) ? node.toJS(doc, { maxAliasCount: 100 }) : node;
        } catch (e) {
          problems.push({
            location: where,
            message: `object skipped: ${(e as Error).message}`,
          });
          return;
        }
        accept(item, where);
      });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problems.push({
        location: docWhere,
        message: `document skipped: ${(e as Error).message}`,
      });
      continue;
    }
    if (value === null || value === undefined) continue;
    accept(value, docWhere);
  }
  return { objects, problems };
}

/** The item nodes of a `kind: *List` document, or undefined when it is not one. */
function listItemNodes(doc: Document): unknown[] | undefined {
  const kind = doc.get('kind');
  const items = doc.get('items', true);
  if (typeof kind !== 'string' || !/List$/.test(kind) || !isSeq(items)) {
    return undefined;
  }
  return items.items;
}
