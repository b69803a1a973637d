import "server-only";
import { getSql } from "@/lib/db/client";

export interface Health {
  status: "ok" | "degraded";
  database: { ready: boolean; latencyMs?: number; error?: string };
}

const TIMEOUT_MS = 2_000;

/** Liveness is answering at all; readiness is the database answering within the timeout. */
export async function checkHealth(): Promise<Health> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      getSql()`SELECT 1`,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: "ok", database: { ready: true, latencyMs: Math.round(performance.now() - started) } };
  } catch (error) {
    // The message names the failure class only; connection strings never reach the client.
    const code = (error as { code?: string }).code;
    return { status: "degraded", database: { ready: false, error: code ?? (error as Error).message } };
  } finally {
    clearTimeout(timer);
  }
}
