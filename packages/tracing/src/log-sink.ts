/**
 * Where the library writes its own lines (refused jobs and events, failed handlers): a pino
 * logger (`@trace-explorer/tracing/logger`) fits, or any logger with pino's `error(fields, msg)`,
 * so the core needs no logging library of its own.
 */
export interface LogSink {
  error(fields: object, message: string): void;
}
