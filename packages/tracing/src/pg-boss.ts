import type PgBoss from "pg-boss";
import type postgres from "postgres";
import type { LogSink } from "./log-sink";
import type { z } from "zod";
import { MissingTraceContextError } from "./errors";
import { enqueueTraced, runTracedJob, type JobInfo, type JobTarget } from "./jobs";
import { logger as defaultLogger } from "./logger";

const SYSTEM = "pg-boss";

export interface TracedSendOptions extends Omit<PgBoss.SendOptions, "db"> {
  /** Enqueue inside this postgres.js transaction, so the job exists exactly when the change does. */
  tx?: postgres.TransactionSql;
}

export interface TracedQueue {
  /** Enqueues a job whose envelope carries the active trace, request id and tenant. */
  send<T>(target: JobTarget, payload: T, options?: TracedSendOptions): Promise<string | null>;
  /**
   * Works a queue: each job runs in a consumer span continuing its producer's trace. A job
   * without trace metadata is refused: logged, counted and cancelled, never run nor retried.
   */
  work<T>(
    queue: string,
    schema: z.ZodType<T>,
    handler: (payload: T, job: JobInfo) => Promise<unknown>,
    options?: PgBoss.WorkOptions,
  ): Promise<string>;
}

export function tracedQueue(boss: PgBoss, options: { logger?: LogSink } = {}): TracedQueue {
  const log = options.logger ?? defaultLogger;
  return {
    send(target, payload, sendOptions = {}) {
      const { tx, ...rest } = sendOptions;
      return enqueueTraced(SYSTEM, target, payload, (envelope) =>
        boss.send(target.queue, envelope, tx ? { ...rest, db: transactionDb(tx) } : rest),
      );
    },

    work(queue, schema, handler, workOptions = {}) {
      return boss.work<unknown>(queue, { ...workOptions, includeMetadata: true }, async (jobs) => {
        // Each job is settled on its own, so one failure or refusal does not decide the batch.
        for (const job of jobs) {
          try {
            await runTracedJob(SYSTEM, { id: job.id, queue, attempt: job.retryCount + 1, data: job.data }, schema, handler, log);
            await boss.complete(queue, job.id);
          } catch (error) {
            if (error instanceof MissingTraceContextError) await boss.cancel(queue, job.id);
            else await boss.fail(queue, job.id, errorOutput(error));
          }
        }
      });
    },
  };
}

/** pg-boss's database interface over a postgres.js transaction. */
export function transactionDb(tx: postgres.TransactionSql): PgBoss.Db {
  return {
    async executeSql(text, values = []) {
      const params = values.map((v: unknown) => {
        if (v === undefined) return null;
        // Job data: sent as JSON text (oid 25) for pg-boss's `$3::jsonb` to parse, whatever
        // jsonb serializer the client has (drizzle replaces it on clients it shares).
        if (v !== null && typeof v === "object" && !(v instanceof Date) && !Array.isArray(v)) return tx.typed(JSON.stringify(v), 25);
        return v;
      });
      return { rows: await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[]) };
    },
  };
}

function errorOutput(error: unknown): object {
  return error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) };
}
