// The public API of the ADR-012 tracing library. Scope setters are deliberately absent: the
// request, trace and tenant ids of a scope are fixed when the library opens it.
export * from "./attributes";
export { getCorrelation, type Correlation } from "./correlation";
export { MissingTraceContextError, TenantConflictError, type TraceCarrierKind } from "./errors";
export { isValidRequestId, isValidTenantId, isValidTraceparent } from "./ids";
export { createLogger, logger, LOG_REDACTED, type Logger, type LoggerOptions } from "./logger";
export { refusedCounts } from "./refusals";
export { withSpan, markSecurityOperation, recordFailure, type WithSpanOptions } from "./spans";
export { withTracing, type WithTracingOptions } from "./next";
export { traceMiddleware, type TraceMiddlewareOptions } from "./node-http";
export { REQUEST_ID_HEADER, type RequestTracingOptions } from "./request-scope";
export { outgoingHeaders } from "./outgoing";
export { enqueueTraced, runTracedJob, type JobEnvelope, type JobInfo, type JobTarget, type ReceivedJob } from "./jobs";
export { emitTraced, onEvent, runTracedEvent, type EventHandler, type EventInfo, type ReceivedEvent } from "./events";
export { emitEvent, OutboxRelay, type OutboxRelayOptions, type RelayRound } from "./outbox";
export { TracingNotInitializedError, type TraceMetadata } from "./trace-metadata";
export { initTracing, type TracingConfig, type TracingHandle } from "./setup";
export { tracingConfigFromEnv } from "./env-config";
export { HeadSampler } from "./head-sampler";
export { CorrelationAttributesProcessor } from "./correlation-processor";
export { TailSamplingProcessor, type TailSamplingOptions, type TailSamplingStats, type KeepReason } from "./tail-sampling";
export { SanitizingExporter } from "./sanitizing-exporter";
export { sanitizeAttributes, sanitizeString, isSensitiveKey, REDACTED } from "./sanitize";
