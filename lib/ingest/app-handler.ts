import "server-only";
import { getSql } from "@/db/client";
import { logger } from "@trace-explorer/tracing/logger";
import { ingestConfigFromEnv } from "./config";
import { createIngestHandler, type IngestHandler } from "./handler";

// One handler per process, for the /v1/traces route and the OTLP port alike: it owns the
// write slots, the key cache and the rollup folder.
const globalForIngest = globalThis as unknown as { traceExplorerIngest?: IngestHandler };

export function appIngestHandler(): IngestHandler {
  globalForIngest.traceExplorerIngest ??= createIngestHandler({ sql: getSql(), config: ingestConfigFromEnv(process.env), log: logger });
  return globalForIngest.traceExplorerIngest;
}
