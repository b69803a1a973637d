import { context, propagation, trace, type Attributes } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { CorrelationAttributesProcessor } from "./correlation-processor";
import { HeadSampler } from "./head-sampler";
import { installLogExport } from "./log-export";
import { createLogPipeline, type LogExportConfig, type LogExportStats } from "./log-pipeline";
import { SanitizingExporter } from "./sanitizing-exporter";
import { TailSamplingProcessor, type TailSamplingOptions, type TailSamplingStats } from "./tail-sampling";
import { INSTRUMENTATION_NAME, installTracer } from "./tracer";

export interface TracingConfig {
  serviceName: string;
  serviceVersion?: string;
  resourceAttributes?: Attributes;
  /** OTLP/HTTP (protobuf) traces endpoint, e.g. http://localhost:3000/v1/traces. */
  exportUrl?: string;
  /** Headers sent with each export (spans and logs), e.g. `{ authorization: "Bearer <ingest key>" }`. */
  exportHeaders?: Record<string, string>;
  /** An exporter to use instead of OTLP (tests, benchmarks). */
  exporter?: SpanExporter;
  /** "batch" (default) exports in the background; "simple" exports each kept span at once. */
  processor?: "batch" | "simple";
  sampling?: Partial<TailSamplingOptions>;
  /** Request paths never traced, nor their log lines exported; the explorer's own ingest routes by default. */
  ignorePaths?: readonly string[];
  /** Export of the JSON logger's records over OTLP logs: off unless it names an endpoint or an exporter. */
  logs?: LogExportConfig;
}

export interface TracingHandle {
  provider: TracerProvider;
  /** True when spans are exported; false when they only give ids to logs and responses. */
  exporting: boolean;
  /** True when the logger's records are exported over OTLP logs too. */
  exportingLogs: boolean;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  samplingStats(): TailSamplingStats | undefined;
  /** What became of the log records: exported, failed, dropped (queue full), pending. */
  logExportStats(): LogExportStats | undefined;
}

const installed = Symbol.for("trace-explorer.lib-tracing.handle");
const globalSlot = globalThis as { [installed]?: TracingHandle };

/**
 * Registers OpenTelemetry for this process: AsyncLocalStorage context, W3C Trace Context
 * propagation, and a tracer provider. With an exporter, every span gets the scope's request
 * and tenant ids, then goes through tail sampling and the sanitizer to the exporter; without one, spans are not recorded at all but still give every
 * request, job and log line real W3C trace and span ids. With `logs` configured, every line the
 * JSON logger writes is also exported as an OTLP log record, sanitized, batched in the background.
 *
 * Calling it again replaces the previous setup (tests, dev-server reloads).
 */
export async function initTracing(config: TracingConfig): Promise<TracingHandle> {
  await globalSlot[installed]?.shutdown();

  const exporter = config.exporter ?? (config.exportUrl ? new OTLPTraceExporter({ url: config.exportUrl, headers: config.exportHeaders }) : undefined);
  let tail: TailSamplingProcessor | undefined;
  const spanProcessors: SpanProcessor[] = [];
  if (exporter) {
    const clean = new SanitizingExporter(exporter);
    const out = config.processor === "simple" ? new SimpleSpanProcessor({ exporter: clean }) : new BatchSpanProcessor({ exporter: clean });
    tail = new TailSamplingProcessor(out, config.sampling);
    spanProcessors.push(new CorrelationAttributesProcessor(), tail);
  }
  const resource = resourceFromAttributes({
    ...config.resourceAttributes,
    [ATTR_SERVICE_NAME]: config.serviceName,
    ...(config.serviceVersion ? { [ATTR_SERVICE_VERSION]: config.serviceVersion } : {}),
  });
  const logs = config.logs && createLogPipeline(config.logs, resource, config.exportHeaders);
  // With either export on, the head sampler marks the requests to ignored paths unsampled, and
  // their log lines stay home too: the explorer exporting to itself never feeds its own ingest.
  const provider = new TracerProvider({
    resource,
    sampler: exporter || logs ? new HeadSampler(config.ignorePaths ?? ["/v1/traces", "/v1/logs"]) : new AlwaysOffSampler(),
    spanProcessors,
  });

  context.disable();
  propagation.disable();
  trace.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  installTracer(provider.getTracer(INSTRUMENTATION_NAME));
  installLogExport(logs?.shipper);

  const handle: TracingHandle = {
    provider,
    exporting: exporter !== undefined,
    exportingLogs: logs !== undefined,
    forceFlush: async () => {
      await Promise.all([provider.forceFlush(), logs?.provider.forceFlush()]);
    },
    shutdown: async () => {
      if (globalSlot[installed] !== handle) return;
      delete globalSlot[installed];
      installTracer(undefined);
      installLogExport(undefined);
      // Both flush what they hold before they stop.
      await Promise.all([provider.shutdown(), logs?.provider.shutdown()]);
      trace.disable();
      propagation.disable();
      context.disable();
    },
    samplingStats: () => tail?.stats(),
    logExportStats: () => logs?.stats(),
  };
  globalSlot[installed] = handle;
  return handle;
}
