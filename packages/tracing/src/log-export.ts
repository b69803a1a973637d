import { INVALID_TRACEID, TraceFlags, context, trace, type Context } from "@opentelemetry/api";
import { SeverityNumber, type AnyValue, type LogAttributes, type Logger as OtelLogger, type LogRecord } from "@opentelemetry/api-logs";
import { ATTR_REQUEST_ID, ATTR_TENANT_ID } from "./attributes";
import { requestIdOf, tenantIdOf } from "./correlation";

/** Where the JSON logger's lines go when initTracing turned log export on. */
export interface LogShipper {
  logger: OtelLogger;
  /** False while the export queue is full; the line is then counted as dropped, never parsed. */
  accept(): boolean;
}

// Unset (export off), a line costs one comparison more.
let current: LogShipper | undefined;

export function installLogExport(next: LogShipper | undefined): void {
  current = next;
}

// pino's standard levels and the OpenTelemetry severity each stands for; a custom level takes
// the severity of the standard one at or below it.
const SEVERITIES: readonly (readonly [level: number, severity: SeverityNumber, text: string])[] = [
  [60, SeverityNumber.FATAL, "fatal"],
  [50, SeverityNumber.ERROR, "error"],
  [40, SeverityNumber.WARN, "warn"],
  [30, SeverityNumber.INFO, "info"],
  [20, SeverityNumber.DEBUG, "debug"],
  [10, SeverityNumber.TRACE, "trace"],
];

export function severityOf(level: number): { severityNumber: SeverityNumber; severityText: string } {
  for (const [min, severityNumber, text] of SEVERITIES) {
    if (level >= min) return { severityNumber, severityText: level === min ? text : String(level) };
  }
  return { severityNumber: SeverityNumber.TRACE, severityText: String(level) };
}

// Line fields a record carries elsewhere: the span context (trace_id, span_id), request.id and
// tenant.id attributes taken from the scope itself, the timestamp, the severity, the body, and
// the process fields pino adds to every line.
const CARRIED = new Set(["level", "time", "msg", "trace_id", "span_id", "request_id", "tenant_id", "pid", "hostname"]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The OpenTelemetry log record of one pino JSON line written in `ctx`: severity from the level,
 * the message as body, the scope's request and tenant ids as `request.id` / `tenant.id`, a
 * serialized `err` as the semantic conventions' `exception.*`, every other field as an
 * attribute. The span context comes from `ctx` when the SDK emits it.
 */
export function logRecordOf(line: Record<string, unknown>, ctx: Context): LogRecord {
  const attributes: LogAttributes = {};
  const requestId = requestIdOf(ctx);
  if (requestId !== undefined) attributes[ATTR_REQUEST_ID] = requestId;
  const tenantId = tenantIdOf(ctx);
  if (tenantId !== undefined) attributes[ATTR_TENANT_ID] = tenantId;
  // The library's own marker for a line outside any scope; a caller's "context" is kept.
  const outside = line.trace_id === null && line.request_id === null && line.context === "none";
  for (const key in line) {
    if (CARRIED.has(key) || (outside && key === "context")) continue;
    const value = line[key];
    if (key === "err" && isPlainObject(value)) addException(attributes, value);
    else attributes[key] = value as AnyValue;
  }
  const record: LogRecord = { attributes, context: ctx };
  if (typeof line.level === "number") {
    const { severityNumber, severityText } = severityOf(line.level);
    record.severityNumber = severityNumber;
    record.severityText = severityText;
  }
  if (typeof line.time === "number") record.timestamp = line.time;
  if (typeof line.msg === "string") record.body = line.msg;
  return record;
}

/** pino's serialized error as the semantic conventions' exception.* attributes; the rest stays under err. */
function addException(attributes: LogAttributes, err: Record<string, unknown>): void {
  const { type, message, stack, ...rest } = err;
  if (typeof type === "string") attributes["exception.type"] = type;
  if (typeof message === "string") attributes["exception.message"] = message;
  if (typeof stack === "string") attributes["exception.stacktrace"] = stack;
  if (Object.keys(rest).length > 0) attributes.err = rest as AnyValue;
}

/**
 * Whether a line written in `ctx` stays home: inside a span the head sampler left unsampled,
 * which, with export on, is a request to an ignored path (the explorer's own ingest).
 */
function inIgnoredRequest(ctx: Context): boolean {
  const span = trace.getSpanContext(ctx);
  return span !== undefined && span.traceId !== INVALID_TRACEID && (span.traceFlags & TraceFlags.SAMPLED) === 0;
}

/**
 * Called with each line the logger writes, synchronously inside the log call, so the active
 * context is the caller's. Emitting only queues the record: export happens in the background.
 */
export function shipLogLine(line: string): void {
  const shipper = current;
  if (shipper === undefined) return;
  const ctx = context.active();
  if (inIgnoredRequest(ctx) || !shipper.accept()) return;
  shipper.logger.emit(logRecordOf(JSON.parse(line) as Record<string, unknown>, ctx));
}
