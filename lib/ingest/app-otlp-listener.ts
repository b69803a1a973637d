import "server-only";
import { logger } from "@trace-explorer/tracing/logger";
import { appIngestHandler } from "./app-handler";
import type { OtlpListenerConfig } from "./otlp-http/config";
import { serveHandler } from "./otlp-http/node-server";
import { OTLP_SIGNALS } from "./signals";

/**
 * Opens the OTLP port next to the app (started from instrumentation.ts), as a Collector or SDK
 * expects it (4318 by convention): the same handler as the app's routes, on plain node:http,
 * skipping Next's request pipeline, which costs ingest about a fifth of its throughput
 * (BENCHMARKS.md, Ingest). A port that cannot be opened is logged, not fatal: the app's own
 * routes keep working.
 */
export async function startAppOtlpListener({ port, host }: OtlpListenerConfig): Promise<void> {
  try {
    const server = await serveHandler(appIngestHandler(), port, host);
    const paths = [...OTLP_SIGNALS.keys()].map((p) => `POST ${p}`).join(", ");
    logger.info({ port, host }, `OTLP/HTTP ingest listening on ${host}:${port} (${paths})`);
    process.once("SIGTERM", () => void server.close());
  } catch (error) {
    logger.error({ port, host, err: error instanceof Error ? error.message : String(error) }, "OTLP port could not be opened; ingest stays on the app's own port");
  }
}
