export * from './types';
export {
  classifyProxy,
  normalizeKind,
  normalizeTraceId,
  normalizeSpanId,
  KEPT_ATTRIBUTES,
  LINKERD_PROXY_SERVICE,
} from './proxySpans';
export type { ProxyClassification } from './proxySpans';
export { parseOtlpTraces } from './otlp';
export { parseJaegerV1Response } from './jaegerV1';
export { parseZipkinTraces, ZipkinSource } from './ZipkinSource';
export { JaegerSource } from './JaegerSource';
export type { JaegerApi } from './JaegerSource';
export { TempoSource } from './TempoSource';
export { FilesSource } from './FilesSource';
export { createTracingSource } from './createTracingSource';
export type {
  TracingSourceConfig,
  TracingSourceType,
} from './createTracingSource';
export { mapLimit } from '../limit';
export { resolveTracingOptions } from './common';
