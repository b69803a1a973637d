import { packRollupMinutes } from "@/lib/ingest/derivations/pack-minutes";
import { foldRollupDeltas } from "@/lib/ingest/derivations/rollup";
import { foldServiceMapDeltas } from "@/lib/ingest/derivations/service-map";
import { summarize, type RetentionDatabase } from "@/lib/retention/run";
import { runRetentionJob } from "@/lib/retention/traced-run";
import { sealTraces } from "@/lib/traces/span-store/seal";
import { applyTailSampling } from "./tail-sampling";

export interface SchedulerLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface SchedulerOptions {
  db: RetentionDatabase;
  log: SchedulerLog;
  /** ADR-010 recommends hourly. */
  purgeEveryMs?: number;
  /** The first purge waits this long after start, so it does not compete with the app's start. */
  firstPurgeAfterMs?: number;
  samplingEveryMs?: number;
  /** Packing ended hours' rollup minutes into their hour rows (lib/ingest/derivations/pack-minutes.ts). */
  packEveryMs?: number;
  /** Tail sampling decides a trace once it received no span for this long; the sealer seals one as quiet and decided. */
  decisionWindowMinutes?: number;
}

export interface Scheduler {
  /** Stops the timers and any purge in flight between two batches (the next run finishes it). */
  stop(): Promise<void>;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Runs `task` every `everyMs`, never two at once: a tick that finds the last one busy is skipped. */
function every(everyMs: number, firstAfterMs: number, task: () => Promise<void>) {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = task().finally(() => {
      running = null;
    });
  };
  const first = setTimeout(() => {
    tick();
    interval.refresh();
  }, firstAfterMs);
  const interval = setInterval(tick, everyMs);
  first.unref();
  interval.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(interval);
    await running;
  };
}

/**
 * The embedded default's in-process scheduler: the ADR-010 purge hourly, ingest tail sampling
 * and then the sealer every minute, a sweep of rollup deltas no ingest process folded (one stopped first), and the
 * rollups' minutes of ended hours packed into their hour rows every five minutes. With
 * your own database, call POST /api/cron/retention from your scheduler instead (or as well: the
 * purge's lock makes a second caller a no-op answered 409).
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { db, log } = options;
  const abort = new AbortController();
  // A failed task is logged and tried again at its next tick.
  const failed = (message: string) => (error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, message);
  const stopPurge = every(options.purgeEveryMs ?? HOUR, options.firstPurgeAfterMs ?? 2 * MINUTE, async () => {
    try {
      const result = await runRetentionJob(db, { trigger: "scheduler", signal: abort.signal });
      if (result.status === "busy") log.info({ runId: result.runId }, "retention: a run is already in progress");
      else log.info({ runId: result.runId, outcome: result.status, ...summarize(result.counts), error: result.error }, "retention run finished");
    } catch (error) {
      failed("retention run could not start")(error);
    }
  });
  const decisionWindowMinutes = options.decisionWindowMinutes ?? 5;
  const stopSampling = every(options.samplingEveryMs ?? MINUTE, options.samplingEveryMs ?? MINUTE, async () => {
    try {
      const result = await applyTailSampling(db.sql, { now: new Date(), decisionWindowMinutes });
      if (result.decided > 0) log.info({ ...result }, "tail sampling decided traces");
    } catch (error) {
      failed("tail sampling failed")(error);
    }
    // After the decisions, so a trace kept this minute is sealed this minute; one sealer at a
    // time across processes (its own lock: another process's run makes this one a no-op).
    try {
      const sealed = await sealTraces(db.url, { now: new Date(), quietMinutes: decisionWindowMinutes });
      if (sealed === null) log.info({}, "sealer: another process is sealing");
      else if (sealed.failed.length > 0) log.warn({ ...sealed, failed: sealed.failed.slice(0, 10) }, "sealer left traces as rows");
      else if (sealed.traces > 0) log.info({ ...sealed }, "sealer sealed traces");
    } catch (error) {
      failed("sealer failed")(error);
    }
  });
  const stopFold = every(MINUTE, MINUTE, () => foldRollupDeltas(db.sql).then(() => undefined, failed("folding the latency rollup failed")));
  const stopMapFold = every(MINUTE, MINUTE, () => foldServiceMapDeltas(db.sql).then(() => undefined, failed("folding the service map failed")));
  // After the folds have merged an ended hour's minutes: each pack moves what ended since the last.
  const stopPack = every(options.packEveryMs ?? 5 * MINUTE, options.packEveryMs ?? 5 * MINUTE, () =>
    packRollupMinutes(db.sql, new Date()).then(() => undefined, failed("packing rollup minutes failed")),
  );
  return {
    async stop() {
      abort.abort();
      await Promise.all([stopPurge(), stopSampling(), stopFold(), stopMapFold(), stopPack()]);
    },
  };
}
