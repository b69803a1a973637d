import { SpanKind } from "../../../db/span-codec/kind-and-status";
import type { TraceBuilder } from "../trace-builder";
import { enqueueJob, type JobSpec } from "./async";
import { db, query, redis } from "./infra";

const ROLLUP_READ = query("SELECT", "usage_events", "SELECT metric, sum(quantity) FROM usage_events WHERE tenant_id = $1 AND at >= $2 AND at < $3 GROUP BY metric", 120_000);
const ROLLUP_WRITE = query("INSERT", "usage_daily", "INSERT INTO usage_daily (tenant_id, day, metric, quantity) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, day, metric) DO UPDATE SET quantity = EXCLUDED.quantity", 1_500);
const EXPIRE_SESSIONS = query("DELETE", "sessions", "DELETE FROM sessions WHERE tenant_id = $1 AND expires_at < $2", 9_000);

export const usageRollup: JobSpec = {
  name: "usage-rollup",
  queue: "maintenance",
  maxAttempts: 3,
  work: (t, span, at) => {
    let end = db(t, span, at, ROLLUP_READ);
    end = db(t, span, end + 50, ROLLUP_WRITE);
    return { end: redis(t, span, end + 20, "DEL", "usage:?:?") };
  },
};

export const sessionCleanup: JobSpec = {
  name: "session-cleanup",
  queue: "maintenance",
  maxAttempts: 3,
  work: (t, span, at) => ({ end: db(t, span, at, EXPIRE_SESSIONS) }),
};

/**
 * A job the scheduler starts on its own: the trace begins at the scheduler (there is no
 * request, so no request id) and continues into the worker like any other job.
 */
export function cronTrace(t: TraceBuilder, job: JobSpec): void {
  const root = t.start(null, "scheduler", `cron ${job.name}`, SpanKind.Internal, 0, {
    "job.schedule": job.name === "session-cleanup" ? "*/15 * * * *" : "0 * * * *",
    "sampling.priority": "low",
  });
  t.end(root, enqueueJob(t, root, 50, job) + 40);
}
