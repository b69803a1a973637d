import { z } from "zod";
import type { LogExportConfig } from "./log-pipeline";
import type { TracingConfig } from "./setup";

const schema = z.object({
  TRACE_EXPORT_URL: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Ingest key sent as `Authorization: Bearer` with each export. */
  TRACE_EXPORT_KEY: z.string().min(1).optional(),
  TRACE_LOW_PRIORITY_RATIO: z.coerce.number().min(0).max(1).optional(),
  TRACE_SLOW_MS: z.coerce.number().int().positive().optional(),
  LOG_EXPORT_URL: z.url().optional(),
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: z.url().optional(),
  OTEL_LOGS_EXPORTER: z.enum(["otlp", "none"]).optional(),
  OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: z.enum(["http/protobuf", "http/json"]).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json"]).optional(),
});

type TracingEnv = z.infer<typeof schema>;

const withoutSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * Where logs go: LOG_EXPORT_URL, else OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, else
 * OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/logs", else beside the traces endpoint when that ends in
 * "/v1/traces" (the explorer's and a Collector's layout). OTEL_LOGS_EXPORTER=none turns it off.
 */
function logsConfig(e: TracingEnv, tracesUrl: string | undefined): LogExportConfig | undefined {
  if (e.OTEL_LOGS_EXPORTER === "none") return undefined;
  const besideTraces = tracesUrl && /\/v1\/traces\/?$/.test(tracesUrl) ? tracesUrl.replace(/\/v1\/traces\/?$/, "/v1/logs") : undefined;
  const exportUrl =
    e.LOG_EXPORT_URL ??
    e.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${withoutSlash(e.OTEL_EXPORTER_OTLP_ENDPOINT)}/v1/logs` : besideTraces);
  if (!exportUrl) return undefined;
  const protocol = e.OTEL_EXPORTER_OTLP_LOGS_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL;
  return { exportUrl, ...(protocol ? { protocol } : {}) };
}

/**
 * The explorer's own tracing settings from the environment. Export is off unless an endpoint
 * is set: TRACE_EXPORT_URL, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
 * OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces" (the OpenTelemetry convention). Logs: see logsConfig.
 */
export function tracingConfigFromEnv(serviceName: string, env: Readonly<Record<string, string | undefined>> = process.env): TracingConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid tracing environment: ${problems}`);
  }
  const e = parsed.data;
  const exportUrl =
    e.TRACE_EXPORT_URL ??
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${withoutSlash(e.OTEL_EXPORTER_OTLP_ENDPOINT)}/v1/traces` : undefined);
  const logs = logsConfig(e, exportUrl);
  return {
    serviceName,
    ...(exportUrl ? { exportUrl } : {}),
    ...(e.TRACE_EXPORT_KEY ? { exportHeaders: { authorization: `Bearer ${e.TRACE_EXPORT_KEY}` } } : {}),
    sampling: {
      ...(e.TRACE_LOW_PRIORITY_RATIO !== undefined ? { lowPriorityRatio: e.TRACE_LOW_PRIORITY_RATIO } : {}),
      ...(e.TRACE_SLOW_MS !== undefined ? { slowThresholdMs: e.TRACE_SLOW_MS } : {}),
    },
    ...(logs ? { logs } : {}),
  };
}
