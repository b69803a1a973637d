/**
 * A logs export request as both decoders (protobuf and JSON) hand it to normalisation: ids are
 * lowercase hex whatever their length (empty for none), so validation can refuse a bad one
 * record by record; times are nanosecond bigints. The messages every signal shares are in
 * ../otlp-http/common.ts.
 */
import type { AnyValue, KeyValue, OtlpScope } from "../otlp-http/common";

export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  /** Absent or null for an empty body. */
  body?: AnyValue | null;
  attributes: readonly KeyValue[];
  droppedAttributesCount: number;
  /** OTLP log record flags (fixed32: the W3C trace flags in the low byte). */
  flags: number;
  traceId: string;
  spanId: string;
  eventName: string;
  /** The instrumentation scope of its ScopeLogs, one object shared by its records; absent for none. */
  scope?: OtlpScope;
}

/** A record the decoder could not read: refused alone, with what was wrong; the rest of the request stands. */
export interface MalformedLogRecord {
  malformed: string;
}

export type DecodedLogRecord = OtlpLogRecord | MalformedLogRecord;

export interface OtlpResourceLogs {
  resource: readonly KeyValue[];
  resourceDroppedAttributesCount?: number;
  schemaUrl?: string;
  /** Records of every instrumentation scope of this resource, in request order. */
  records: DecodedLogRecord[];
}

export interface OtlpLogsRequest {
  resourceLogs: OtlpResourceLogs[];
}

export function recordCount(request: OtlpLogsRequest): number {
  let n = 0;
  for (const rl of request.resourceLogs) n += rl.records.length;
  return n;
}
