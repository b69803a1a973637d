import "server-only";
import { getSql } from "@/lib/db/client";
import { logger } from "@trace-explorer/tracing/logger";
import { runtimeRole, runtimeRoleWarning } from "./runtime-role";

/** Started from instrumentation.ts: says loudly when the app runs as a role that could untrigger the audit log. */
export async function checkAppRuntimeRole(): Promise<void> {
  try {
    const warning = runtimeRoleWarning(await runtimeRole(getSql()));
    if (warning) logger.warn({}, warning);
  } catch (error) {
    logger.warn({ err: error }, "could not check the app's database role");
  }
}
