import "server-only";
import type { Sql } from "@/db/connect";
import { recordAudit, type AuditRecord } from "./record";

/** Rows of their own per source, action and minute before the rest are only counted. */
export const DENIALS_WRITTEN_PER_MINUTE = 5;
const MAX_SOURCES = 10_000;
const MAX_RESOURCES = 20;

interface Bucket {
  minute: number;
  written: number;
  counted: number;
  sample: AuditRecord;
  resources: Map<string, number>;
}

/**
 * Denials a client can repeat in a loop at no cost to itself: unauthenticated ones (no session,
 * wrong cron secret), and a signed-in user's downloads refused over their allowance. Each used
 * to write a row kept 400 days: 200 calls, 202 rows. Per source (the user when signed in, else
 * the address), action and minute the first few still get a row of their own (with their
 * request id); the rest are counted and written as one row with `count` when the minute is
 * over, so the log stays append-only and chained. Beyond MAX_SOURCES sources in a minute they
 * share one bucket.
 * Counts not yet written are lost if the process dies: at most a minute's worth, of denials.
 */
export class DenialAggregator {
  private readonly buckets = new Map<string, Bucket>();
  private sql: Sql | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  async record(sql: Sql, record: AuditRecord): Promise<void> {
    this.sql = sql;
    const minute = Math.floor(this.now() / 60_000);
    await this.flush(minute);
    const source = record.actor.id ? `user:${record.actor.id}` : (record.request.ip ?? "unknown");
    const key = `${this.buckets.size >= MAX_SOURCES ? "*" : source}|${record.action}`;
    const bucket = this.buckets.get(key) ?? { minute, written: 0, counted: 0, sample: record, resources: new Map() };
    this.buckets.set(key, bucket);
    if (bucket.written < DENIALS_WRITTEN_PER_MINUTE) {
      bucket.written++;
      await recordAudit(sql, record);
      return;
    }
    bucket.counted++;
    const resource = record.resource ?? "";
    if (bucket.resources.has(resource) || bucket.resources.size < MAX_RESOURCES) bucket.resources.set(resource, (bucket.resources.get(resource) ?? 0) + 1);
  }

  /** Writes the count rows of every minute before `beforeMinute` (all of them when omitted). */
  async flush(beforeMinute = Infinity): Promise<void> {
    for (const [key, bucket] of this.buckets) {
      if (bucket.minute >= beforeMinute) continue;
      this.buckets.delete(key);
      if (bucket.counted === 0 || !this.sql) continue;
      const { sample } = bucket;
      await recordAudit(this.sql, {
        ...sample,
        resource: bucket.resources.size === 1 ? sample.resource : undefined,
        details: {
          ...sample.details,
          aggregated: true,
          count: bucket.counted,
          minute: new Date(bucket.minute * 60_000).toISOString(),
          ...(bucket.resources.size > 1 ? { resources: Object.fromEntries(bucket.resources) } : {}),
        },
        request: { ...sample.request, requestId: null, traceId: null },
      });
    }
  }
}

// One per process; Next's dev server may evaluate this module again.
const globalForDenials = globalThis as unknown as { traceExplorerDenials?: DenialAggregator };

function aggregator(): DenialAggregator {
  if (!globalForDenials.traceExplorerDenials) {
    const created = new DenialAggregator();
    globalForDenials.traceExplorerDenials = created;
    // Writes a quiet minute's counts even when no later denial comes to trigger it.
    setInterval(() => void created.flush(Math.floor(Date.now() / 60_000)).catch(() => undefined), 60_000).unref();
  }
  return globalForDenials.traceExplorerDenials;
}

/** Records a denial a client can repeat at will, aggregating repeats (see DenialAggregator). */
export function recordRepeatableDenial(sql: Sql, record: AuditRecord): Promise<void> {
  return aggregator().record(sql, record);
}

/** Writes every pending count now (tests, shutdown). */
export function flushRepeatableDenials(): Promise<void> {
  return aggregator().flush();
}
