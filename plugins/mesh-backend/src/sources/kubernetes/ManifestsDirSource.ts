import fs from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import {
  KubeObject,
  kubeObjectSchema,
  KubernetesFetchResult,
  KubernetesSource,
  SourceProblem,
} from '@mesh-readiness/plugin-mesh-node';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads a directory of manifests as `kubectl get -o yaml` writes them: one object,
 * several documents, or a `kind: List`. A file that does not parse is skipped whole and
 * reported with its line, so a half-read file never looks like a complete one.
 */
export class ManifestsDirSource implements KubernetesSource {
  readonly description: string;

  constructor(private readonly dir: string) {
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
      const text = await fs.readFile(file, 'utf8');
      const parsed = parseManifestText(
        text,
        path.relative(this.dir, file) || file,
      );
      objects.push(...parsed.objects);
      problems.push(...parsed.problems);
    }
    return { objects, problems, requests: files.length };
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
  const problems: SourceProblem[] = [];
  const docList = Array.isArray(docs) ? docs : [docs];
  for (const doc of docList) {
    const error = doc.errors[0];
    if (error) {
      const line =
        error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line;
      return {
        objects: [],
        problems: [
          {
            location: `${fileLabel}:${line}`,
            message: `file skipped: ${error.message.split('\n')[0]}`,
          },
        ],
      };
    }
  }

  const lineOf = (node: unknown) => {
    const range = (node as { range?: [number, number, number] } | undefined)
      ?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  // Converting can still fail (aliases that expand without bound): skip the file whole.
  const values: unknown[] = [];
  for (const doc of docList) {
    try {
      values.push(doc.toJS({ maxAliasCount: 100 }));
    } catch (e) {
      return {
        objects: [],
        problems: [
          {
            location: `${fileLabel}:${lineOf(doc.contents)}`,
            message: `file skipped: ${(e as Error).message}`,
          },
        ],
      };
    }
  }

  const objects: KubeObject[] = [];
  for (const [docIndex, doc] of docList.entries()) {
    const value = values[docIndex];
    if (value === null || value === undefined) continue;
    const list = isList(value);
    const itemNodes = list
      ? (doc.get('items', true) as { items?: unknown[] } | undefined)?.items ??
        []
      : [doc.contents];
    listItems(value).forEach((item, index) => {
      const line = lineOf(itemNodes[index] ?? doc.contents);
      const where = list
        ? `${fileLabel}:${line} (items[${index}])`
        : `${fileLabel}:${line}`;
      const result = kubeObjectSchema.safeParse(item);
      if (!result.success) {
        const issue = result.error.issues[0];
        problems.push({
          location: where,
          message: `object skipped: ${issue.path.join('.') || 'object'}: ${
            issue.message
          }`,
        });
        return;
      }
      objects.push(result.data);
    });
  }
  return { objects, problems };
}

function isList(value: unknown): value is { items: unknown[] } {
  if (!value || typeof value !== 'object') return false;
  const v = value as { kind?: unknown; items?: unknown };
  return (
    typeof v.kind === 'string' && /List$/.test(v.kind) && Array.isArray(v.items)
  );
}

function listItems(value: unknown): unknown[] {
  return isList(value) ? value.items : [value];
}
