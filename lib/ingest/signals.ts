import { SPAN_DERIVATIONS } from "./derivations/list";
import { createOtlpHandler, type IngestHandler, type IngestHandlerOptions } from "./otlp-http/handler";
import type { SignalFactory } from "./otlp-http/signal";
import { createLogsSignal, OTLP_LOGS_PATH } from "./logs/signal";
import { createTracesSignal, OTLP_TRACES_PATH } from "./traces/signal";

/**
 * The signals ingest serves over OTLP/HTTP by path, on the OTLP port and (through a route file
 * under app/v1/) the app's. Each (traces/, logs/) is a folder with its OtlpSignal and an entry
 * here; a new one (metrics at /v1/metrics) is added the same way.
 */
export const OTLP_SIGNALS: ReadonlyMap<string, SignalFactory> = new Map([
  [OTLP_TRACES_PATH, (deps) => createTracesSignal(deps, SPAN_DERIVATIONS.map((derive) => derive(deps)))],
  [OTLP_LOGS_PATH, createLogsSignal],
]);

/** Ingest over OTLP/HTTP: every signal, sharing one key cache, one set of write slots and one buffer budget. */
export function createIngestHandler(options: IngestHandlerOptions): IngestHandler {
  return createOtlpHandler(options, OTLP_SIGNALS);
}
