import "server-only";
import { getSql } from "@/lib/db/client";
import { env } from "@/lib/config/env";
import { logger } from "@trace-explorer/tracing/logger";
import { startScheduler, type Scheduler } from "./scheduler";

// Next's dev server may evaluate instrumentation again; one scheduler per process.
const globalForScheduler = globalThis as unknown as { traceExplorerScheduler?: Scheduler };

/** Started from instrumentation.ts when the start script sets TE_SCHEDULER=on. */
export function startAppScheduler(): void {
  if (globalForScheduler.traceExplorerScheduler) return;
  const scheduler = startScheduler({ db: { sql: getSql(), url: env().DATABASE_URL }, log: logger });
  globalForScheduler.traceExplorerScheduler = scheduler;
  const stop = () => void scheduler.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  logger.info({}, "scheduler started: retention purge hourly, tail sampling, sealing and rollup sweep every minute");
}
