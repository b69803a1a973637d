import { SpanKind, SpanStatus } from "../../db/span-codec/kind-and-status";
import { epochNanosText } from "../../db/span-codec/timestamp";
import { podFor, type DemoResource, type ServiceName } from "./resources";
import type { Attributes, DemoSpan, TraceBuilder } from "./trace-builder";

/** OpenTelemetry severity numbers, with the text the tracing library's logger sends. */
export const DEMO_SEVERITY = {
  info: { severityNumber: 9, severityText: "info" },
  warn: { severityNumber: 13, severityText: "warn" },
  error: { severityNumber: 17, severityText: "error" },
} as const;

type Level = keyof typeof DEMO_SEVERITY;

/**
 * One log record of a demo trace, as the ADR-012 library would have shipped it: the ids in the
 * forms the span rows use (trace id hex, span id as the signed decimal of the bigint column).
 */
export interface DemoLogRecord {
  tenantId: string;
  traceId: string;
  /** The span it was written in; null for a line written outside any span (the gateway's access log). */
  spanId: string | null;
  /** W3C trace flags of the span context: sampled, or 0 without a span. */
  flags: number;
  service: ServiceName;
  /** The resource row of the pod that wrote it: the one its trace's spans of that service have. */
  resourceId: string;
  timeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Attributes;
}

const SAMPLED = 1;

/** The first exception event of a span, as `exception.*` attributes with its time. */
function exceptionOf(span: DemoSpan): { at: number; attributes: Attributes } | undefined {
  const event = span.events?.find((e) => e.name === "exception");
  return event && { at: event.at, attributes: event.attributes };
}

const endOf = (span: DemoSpan) => span.start + span.durationNs / 1000;
const ms = (span: DemoSpan) => Math.round(span.durationNs / 1e6);

/** Where a consumer span came from: a job attempt, an event delivery, or neither. */
function jobOf(span: DemoSpan): { name: string; id: string; attempt: number; maxAttempts: number; outcome: unknown; retryDelayMs: unknown } | undefined {
  const a = span.attributes;
  if (span.kind !== SpanKind.Consumer || typeof a["job.name"] !== "string" || typeof a["job.attempt"] !== "number") return undefined;
  return {
    name: a["job.name"],
    id: String(a["job.id"]),
    attempt: a["job.attempt"],
    maxAttempts: Number(a["job.max_attempts"]),
    outcome: a["job.outcome"],
    retryDelayMs: a["job.retry_delay_ms"],
  };
}

function levelOfStatus(status: unknown): Level {
  return typeof status === "number" && status >= 500 ? "error" : typeof status === "number" && status >= 400 ? "warn" : "info";
}

/**
 * The log records the demo's services write for one trace placed at `originUs`: each request a
 * service answers ends with a line (the edge gateway's access line carries no span id, as an
 * access log written after the span is gone would not), each job attempt and event delivery
 * logs its start and outcome (a retried attempt at warn, the last failure at error), and every
 * other span that fails logs its exception. Pure: reads the built trace and draws nothing from
 * its random streams, so adding logs changes no demo trace.
 */
export function demoTraceLogs(trace: TraceBuilder, originUs: number, resources: Map<ServiceName, DemoResource[]>): DemoLogRecord[] {
  const entries: { at: number; record: DemoLogRecord }[] = [];
  const scope: Attributes = { "tenant.id": trace.tenant.id, ...(trace.requestId === null ? {} : { "request.id": trace.requestId }) };

  const log = (span: DemoSpan, at: number, level: Level, body: string, attributes: Attributes, withSpan = true) => {
    const us = Math.round(at);
    const record: DemoLogRecord = {
      tenantId: trace.tenant.id,
      traceId: trace.traceId,
      spanId: withSpan ? span.id : null,
      flags: withSpan ? SAMPLED : 0,
      service: span.service,
      resourceId: podFor(resources, span.service, trace).id,
      timeUnixNano: epochNanosText(originUs + us),
      ...DEMO_SEVERITY[level],
      body,
      attributes: { ...scope, ...attributes },
    };
    entries.push({ at: us, record });
  };

  for (const span of trace.spans) {
    const exception = exceptionOf(span);
    const failed = span.status === SpanStatus.Error;
    const job = jobOf(span);
    const eventName = span.attributes["event.name"];

    if (span.kind === SpanKind.Server) {
      const status = span.attributes["http.response.status_code"];
      const method = span.attributes["http.request.method"];
      const route = span.attributes["http.route"];
      const http: Attributes = { "http.request.method": method ?? "", "http.route": route ?? "", ...(status === undefined ? {} : { "http.response.status_code": status }) };
      if (span.parent === null) {
        // The gateway's access log: written once the response is sent, outside the span.
        log(span, endOf(span), levelOfStatus(status), `${method} ${span.attributes["url.path"] ?? route} ${status ?? "-"} ${ms(span)}ms`, http, false);
      } else {
        const level = failed ? "error" : levelOfStatus(status);
        const body = exception ? `request failed: ${exception.attributes["exception.message"]}` : `request completed with ${status ?? "no status"}`;
        log(span, endOf(span), level, body, { ...http, duration_ms: ms(span), ...exception?.attributes });
      }
    } else if (job) {
      const ids = { "job.id": job.id, "job.name": job.name, "job.attempt": job.attempt };
      log(span, span.start + 1, "info", `processing ${job.name} (attempt ${job.attempt} of ${job.maxAttempts})`, ids);
      if (job.outcome === "completed") log(span, endOf(span), "info", `${job.name} completed in ${ms(span)} ms`, ids);
      else if (job.outcome === "retry_scheduled") {
        log(span, exception?.at ?? endOf(span), "warn", `${job.name} attempt ${job.attempt} failed: ${span.statusMessage}; retrying in ${job.retryDelayMs} ms`, { ...ids, ...exception?.attributes });
      } else if (job.outcome === "dead_lettered") {
        log(span, exception?.at ?? endOf(span), "error", `${job.name} failed after ${job.attempt} attempts: ${span.statusMessage}; moved to the dead-letter queue`, { ...ids, ...exception?.attributes });
      }
    } else if (span.kind === SpanKind.Consumer && typeof eventName === "string") {
      const ids = { "event.id": String(span.attributes["event.id"]), "event.name": eventName };
      log(span, span.start + 1, "info", `handling ${eventName}`, ids);
      if (failed) log(span, exception?.at ?? endOf(span), "error", `handling ${eventName} failed: ${span.statusMessage}`, { ...ids, ...exception?.attributes });
    } else if (failed) {
      // Any other failing span: its exception where it was thrown, or the error it was given.
      if (exception) log(span, exception.at, "error", String(exception.attributes["exception.message"]), exception.attributes);
      else log(span, endOf(span), "warn", `${span.name} failed: ${span.statusMessage}`, {});
    }
  }
  return entries.sort((a, b) => a.at - b.at).map((e) => e.record);
}
