import { metrics } from "@opentelemetry/api";
import type { LogSink } from "./log-sink";
import type { MissingTraceContextError, TraceCarrierKind } from "./errors";
import { INSTRUMENTATION_NAME } from "./tracer";

const counts: Record<TraceCarrierKind, number> = { job: 0, event: 0 };

/** Counts and logs one refused job or event; the caller then settles it as refused. */
export function recordRefusal(error: MissingTraceContextError, log: LogSink): void {
  counts[error.kind]++;
  // Also an OpenTelemetry metric for hosts with a MeterProvider. Looked up per refusal (rare):
  // the metrics API has no proxy, so a meter taken at import would stay a no-op forever.
  metrics
    .getMeter(INSTRUMENTATION_NAME)
    .createCounter("tracing.carrier.refused", { description: "Jobs and events refused for missing trace metadata" })
    .add(1, { kind: error.kind });
  log.error({ err: error, carrier: error.kind, carrier_id: error.carrierId ?? null, problems: error.problems }, error.message);
}

/** How many jobs and events this process refused since it started. */
export function refusedCounts(): Readonly<Record<TraceCarrierKind, number>> {
  return { ...counts };
}
