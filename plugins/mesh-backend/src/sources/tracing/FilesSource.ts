import fs from 'node:fs/promises';
import path from 'node:path';
import {
  resolveTracingOptions,
  TraceSet,
  validateFetchRequest,
} from './common';
import { parseJaegerV1Response } from './jaegerV1';
import { mapLimit } from '../limit';
import { parseOtlpTraces } from './otlp';
import { SpanMapping } from './proxySpans';
import { TracingOptions } from './types';
import {
  NormalizedTrace,
  TracingData,
  TracingFetchRequest,
  TracingSource,
} from '@mesh-readiness/plugin-mesh-node';

/**
 * Every `*.json` file under a directory (recursively, in path order), each a Jaeger v1
 * answer `{"data":[trace…]}` as Jaeger's UI exports it. An OTLP-JSON document (Jaeger
 * api_v3 `{"result":…}`, Tempo) is read too. A file that does not parse is skipped whole
 * and named in `problems`. The same trace in two files is merged.
 *
 * Files are a snapshot taken at some time, so the request's window is not applied (a
 * scenario exported last month still reads the same). The per-service bound is: a trace
 * is taken for service S while fewer than `maxTracesPerService` traces were taken for S,
 * and kept if it was taken for any requested service (any service at all when none is
 * requested).
 */
export class FilesSource implements TracingSource {
  readonly description: string;
  private readonly options: TracingOptions;

  constructor(
    private readonly dir: string,
    options: Partial<TracingOptions> = {},
  ) {
    this.options = resolveTracingOptions(options);
    this.description = `trace files in ${dir}`;
  }

  async fetch(req: TracingFetchRequest): Promise<TracingData> {
    validateFetchRequest(req);
    let files: string[];
    try {
      files = await listJsonFiles(this.dir);
    } catch (e) {
      throw new Error(
        `cannot read trace files directory ${this.dir}: ${
          (e as Error).message
        }`,
      );
    }
    const problems: string[] = [];
    const all = new TraceSet();
    const parsedFiles = await mapLimit(
      files,
      this.options.concurrency,
      async file => {
        try {
          const text = await fs.readFile(file, 'utf8');
          return { traces: parseTraceFile(text, this.options) };
        } catch (e) {
          return { problem: `file ${file} skipped: ${(e as Error).message}` };
        }
      },
    );
    for (const parsed of parsedFiles) {
      if (parsed.problem) problems.push(parsed.problem);
      parsed.traces?.forEach(t => all.add(t));
    }

    const requested = [...new Set(req.services)];
    const perService: Record<string, number> = Object.fromEntries(
      requested.map(s => [s, 0]),
    );
    const taken: NormalizedTrace[] = [];
    for (const trace of all.list()) {
      const services = new Set(trace.spans.map(s => s.service));
      const candidates =
        requested.length > 0
          ? requested.filter(s => services.has(s))
          : [...services];
      let keep = false;
      for (const service of candidates) {
        const count = perService[service] ?? 0;
        if (count < this.options.maxTracesPerService) {
          perService[service] = count + 1;
          keep = true;
        }
      }
      if (keep) taken.push(trace);
    }
    return {
      traces: taken,
      perService,
      problems,
      requests: files.length,
      linkerdProxyService: this.options.linkerdProxyService,
    };
  }
}

/** A file's traces: Jaeger v1 JSON, or OTLP-JSON. Throws what is wrong with it. */
export function parseTraceFile(
  text: string,
  mapping?: SpanMapping,
): NormalizedTrace[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  if (
    json &&
    typeof json === 'object' &&
    !Array.isArray(json) &&
    'data' in json
  ) {
    return parseJaegerV1Response(json, mapping).traces;
  }
  if (
    json &&
    typeof json === 'object' &&
    !Array.isArray(json) &&
    ['resourceSpans', 'batches', 'result', 'trace'].some(k => k in json)
  ) {
    return parseOtlpTraces(json, mapping);
  }
  throw new Error(
    'neither a Jaeger API answer ({"data":[…]}) nor an OTLP-JSON trace document',
  );
}

async function listJsonFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listJsonFiles(full)));
    else if (entry.isFile() && /\.json$/i.test(entry.name)) files.push(full);
  }
  return files;
}
