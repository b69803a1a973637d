import { randomUUID } from "node:crypto";
import { z } from "zod";
import { enqueueTraced, runTracedJob, type JobEnvelope } from "@trace-explorer/tracing";
import { logger } from "@trace-explorer/tracing/logger";
import { runRetention, type RetentionDatabase, type RunOptions, type RunResult } from "./run";

const SYSTEM = "in-process";
const TARGET = { queue: "retention", name: "retention.purge" };
const payload = z.object({ trigger: z.string() });

/**
 * A purge as an ADR-012 traced job (the tracing issue asks it of the explorer itself): a
 * producer span in the caller's context (the cron request, the admin's "Run now", or a fresh
 * trace for the scheduler), then the run in a consumer span continuing it, with job.* ids and
 * its log lines carrying the trace. Nothing queues it: the run happens in place.
 */
export async function runRetentionJob(db: RetentionDatabase, options: RunOptions): Promise<RunResult> {
  let result: RunResult | undefined;
  await enqueueTraced(SYSTEM, TARGET, { trigger: options.trigger }, async (envelope: JobEnvelope<z.infer<typeof payload>>) => {
    const id = randomUUID();
    result = await runTracedJob(SYSTEM, { id, queue: TARGET.queue, attempt: 1, data: envelope }, payload, () => runRetention(db, options), logger);
    return id;
  });
  return result!;
}
