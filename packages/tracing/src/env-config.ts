import { z } from "zod";
import type { TracingConfig } from "./setup";

const schema = z.object({
  TRACE_EXPORT_URL: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Ingest key sent as `Authorization: Bearer` with each export. */
  TRACE_EXPORT_KEY: z.string().min(1).optional(),
  TRACE_LOW_PRIORITY_RATIO: z.coerce.number().min(0).max(1).optional(),
  TRACE_SLOW_MS: z.coerce.number().int().positive().optional(),
});

/**
 * The explorer's own tracing settings from the environment. Export is off unless an endpoint
 * is set: TRACE_EXPORT_URL, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
 * OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces" (the OpenTelemetry convention).
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
    (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, "")}/v1/traces` : undefined);
  return {
    serviceName,
    ...(exportUrl ? { exportUrl } : {}),
    ...(e.TRACE_EXPORT_KEY ? { exportHeaders: { authorization: `Bearer ${e.TRACE_EXPORT_KEY}` } } : {}),
    sampling: {
      ...(e.TRACE_LOW_PRIORITY_RATIO !== undefined ? { lowPriorityRatio: e.TRACE_LOW_PRIORITY_RATIO } : {}),
      ...(e.TRACE_SLOW_MS !== undefined ? { slowThresholdMs: e.TRACE_SLOW_MS } : {}),
    },
  };
}
