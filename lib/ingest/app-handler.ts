import "server-only";
import { getSql } from "@/lib/db/client";
import { logger } from "@trace-explorer/tracing/logger";
import { ingestConfigFromEnv } from "./otlp-http/config";
import type { IngestHandler } from "./otlp-http/handler";
import { createIngestHandler } from "./signals";

// One handler per process, for the app's /v1/* routes and the OTLP port alike: it owns the
// write slots, the key cache and the rollup folder.
const globalForIngest = globalThis as unknown as { traceExplorerIngest?: IngestHandler };

export function appIngestHandler(): IngestHandler {
  globalForIngest.traceExplorerIngest ??= createIngestHandler({ sql: getSql(), config: ingestConfigFromEnv(process.env), log: logger });
  return globalForIngest.traceExplorerIngest;
}
