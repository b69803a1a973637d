import "server-only";
import { logger } from "@trace-explorer/tracing/logger";
import { appIngestHandler } from "./app-handler";
import type { OtlpListenerConfig } from "./config";
import { startOtlpListener } from "./otlp-listener";

/**
 * Opens the OTLP port next to the app (started from instrumentation.ts). A port that cannot be
 * opened is logged, not fatal: /v1/traces on the app's own port keeps working.
 */
export async function startAppOtlpListener({ port, host }: OtlpListenerConfig): Promise<void> {
  try {
    const server = await startOtlpListener(appIngestHandler(), port, host);
    logger.info({ port, host }, `OTLP/HTTP ingest listening on ${host}:${port} (POST /v1/traces)`);
    process.once("SIGTERM", () => void server.close());
  } catch (error) {
    logger.error({ port, host, err: error instanceof Error ? error.message : String(error) }, "OTLP port could not be opened; ingest stays on the app's /v1/traces");
  }
}
