import { getSql } from "@/db/client";
import { ingestConfigFromEnv } from "@/lib/ingest/config";
import { createIngestHandler, type IngestHandler } from "@/lib/ingest/handler";
import { logger } from "@/lib/tracing/logger";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// One handler per process: it owns the write slots, the key cache and the rollup folder.
const globalForIngest = globalThis as unknown as { traceExplorerIngest?: IngestHandler };

function ingest(): IngestHandler {
  globalForIngest.traceExplorerIngest ??= createIngestHandler({ sql: getSql(), config: ingestConfigFromEnv(process.env), log: logger });
  return globalForIngest.traceExplorerIngest;
}

/** OTLP/HTTP trace export (https://opentelemetry.io/docs/specs/otlp/#otlphttp). */
export function POST(request: Request): Promise<Response> {
  return ingest()(request);
}

function methodNotAllowed(): Response {
  return new Response(null, { status: 405, headers: { allow: "POST" } });
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE, methodNotAllowed as OPTIONS };
