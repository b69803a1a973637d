import type { Sql } from "@/db/connect";
import type { KeyScope } from "./authenticate";
import type { IngestConfig } from "./config";
import type { Encoding } from "./response";

/** Where ingest reports what it could not do; values never appear, only codes and counts. */
export interface IngestLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** What a signal is built from: one set per handler, shared by its signals. */
export interface SignalDeps {
  sql: Sql;
  config: IngestConfig;
  log: IngestLog;
}

/** What a signal's write refused, for partial_success. */
export interface SignalWriteResult {
  rejected: number;
  /** Said first in partial_success.errorMessage when something was refused. */
  refusal: string;
}

/** A decoded, validated request, ready to be written once a write slot is free. */
export interface PreparedExport {
  total: number;
  /** Said in partial_success.errorMessage even when nothing was refused, as the specification allows. */
  warnings: string[];
  write(key: KeyScope, now: Date): Promise<SignalWriteResult>;
}

/**
 * One OTLP signal (traces; logs next) behind the shared OTLP/HTTP transport (handler.ts), which
 * authenticates, admits, reads and gunzips the body and answers; the signal decodes, validates
 * and stores. `prepare` throws DecodeError (400) or TooManyRecordsError (413); the transport
 * answers those as it does its own.
 */
export interface OtlpSignal {
  /** partial_success's count in OTLP/JSON, e.g. "rejectedSpans". */
  rejectedField: string;
  /** The 503 answer's message when the store is unreachable. */
  unavailableMessage: string;
  /** The 500 answer's message, and the log line's, when the write failed otherwise. */
  writeFailedMessage: string;
  writeFailedLog: string;
  /** An empty body is the empty request; `body` is never empty here. */
  prepare(body: Buffer, encoding: Encoding): PreparedExport;
}

/** How a handler builds a signal, once, from the dependencies its signals share; registered under its path (lib/ingest/signals.ts). */
export type SignalFactory = (deps: SignalDeps) => OtlpSignal;

/** The request holds more records than a request may (HTTP 413). */
export class TooManyRecordsError extends Error {
  override readonly name = "TooManyRecordsError";
}
