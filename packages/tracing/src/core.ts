// The public API of the ADR-012 tracing library. Scope setters are deliberately absent: the
// request, trace and tenant ids of a scope are fixed when the library opens it. Adapters that
// need another library have their own entry points: logger (pino), next, node-http, pg-boss,
// outbox (postgres), testing.
export * from "./attributes";
export { getCorrelation, type Correlation } from "./correlation";
export { MissingTraceContextError, TenantConflictError, type TraceCarrierKind } from "./errors";
export { isValidRequestId, isValidTenantId, isValidTraceparent, newRequestId, TENANT_ID_MAX_LENGTH, TENANT_ID_PATTERN } from "./ids";
export type { LogSink } from "./log-sink";
export { refusedCounts } from "./refusals";
export { withSpan, markSecurityOperation, recordFailure, type WithSpanOptions } from "./spans";
// The request scope both web adapters are built on, for a framework that has neither.
export {
  bindTenant,
  closeRequestScope,
  openRequestScope,
  REQUEST_ID_HEADER,
  type IncomingRequestInfo,
  type RequestScope,
  type RequestTracingOptions,
} from "./request-scope";
export { outgoingHeaders } from "./outgoing";
export { enqueueTraced, runTracedJob, type JobEnvelope, type JobInfo, type JobTarget, type ReceivedJob } from "./jobs";
export { emitTraced, onEvent, runTracedEvent, type EventHandler, type EventInfo, type ReceivedEvent } from "./events";
export { TracingNotInitializedError, type TraceMetadata } from "./trace-metadata";
export { initTracing, type TracingConfig, type TracingHandle } from "./setup";
export { tracingConfigFromEnv } from "./env-config";
export { HeadSampler } from "./head-sampler";
export { CorrelationAttributesProcessor } from "./correlation-processor";
export { TailSamplingProcessor, type TailSamplingOptions, type TailSamplingStats, type KeepReason } from "./tail-sampling";
export { SanitizingExporter } from "./sanitizing-exporter";
export { SanitizingLogExporter } from "./sanitizing-log-exporter";
export type { LogExportConfig, LogExportProtocol, LogExportStats } from "./log-pipeline";
export { sanitizeAttributes, sanitizeString, isSensitiveKey, REDACTED } from "./sanitize";
