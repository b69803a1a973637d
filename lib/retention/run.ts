import "server-only";
import { connect, type Sql } from "@/db/connect";
import { describeDatabaseError } from "@/db/errors";
import { recordAudit } from "@/lib/audit/record";
import { purgeAuditLog, type AuditCut } from "./audit-retention";
import { countByTenant, DAILY_TABLES, detachAndDrop, ensurePartitionsAhead, isDroppable, listDayPartitions, reattach, type DailyTable } from "./partitions";
import { purgeDerived, purgeFixedAge } from "./purge-derived";
import { purgeExpiredTraces, type TracePurgeCounts } from "./purge-traces";
import { markInterrupted, runningRunId, startRunRecord, updateRunRecord, type RunStatus } from "./runs";
import { loadTenantPolicies, type TenantPolicy } from "./tenants";
import { assertHoldsLock, RETENTION_LOCK_KEY } from "./transaction";

export { RETENTION_LOCK_KEY } from "./transaction";

const DEFAULT_BATCH = 5000;

export interface RetentionDatabase {
  /** The app's pool: the run's record and audit rows, even when the run's session was lost. */
  sql: Sql;
  /** Where the run opens its own session, which holds the lock and does the work. */
  url: string;
}

export interface RunOptions {
  /** Who asked: "cron", "scheduler", "admin:<email>"; recorded with the run. */
  trigger: string;
  now?: Date;
  batchSize?: number;
  /** Stops the run between batches (a shutting-down scheduler); the next run finishes the work. */
  signal?: AbortSignal;
}

export interface TenantRunCounts extends TracePurgeCounts {
  /** Spans removed with whole partitions. */
  partitionSpans: number;
  /** Log records removed with whole partitions. */
  partitionLogRecords: number;
  derived: Record<string, number>;
}

export interface RunCounts {
  trigger: string;
  tenants: Record<string, TenantRunCounts>;
  partitionsCreated: number;
  /** Detaches that met a lock for too long; retried by the next run. */
  partitionsDeferred: string[];
  fixedAge: Record<string, number>;
  audit: AuditCut;
  /** Earlier runs found still 'running' (cut off) and marked interrupted by this one. */
  interruptedRunsFound: number;
}

export type RunResult =
  | { status: "busy"; runId: string | null }
  | {
      status: Exclude<RunStatus, "running">;
      runId: string;
      counts: RunCounts;
      partitionsDropped: string[];
      heldTenants: string[];
      error: string | null;
    };

const NO_REQUEST = { ip: null, userAgent: null, requestId: null, traceId: null };

function emptyTenant(): TenantRunCounts {
  return {
    standard: { traces: 0, spans: 0, logRecords: 0 },
    kept: { traces: 0, spans: 0, logRecords: 0 },
    strandedSpans: 0,
    logRecordsAlone: 0,
    partitionSpans: 0,
    partitionLogRecords: 0,
    derived: {},
  };
}

/**
 * One ADR-010 purge run. Takes the retention lock on a connection of its own for the whole
 * run (a second caller gets "busy" with the running run's id), then: creates the coming days'
 * partitions, drops whole days past every present tenant's retention, deletes the rest of the
 * expired traces tenant by tenant in batches, then derived tables, fixed-age records and the
 * audit log's own retention. Tenants on legal hold are skipped and named in the record. Every
 * step is idempotent and judged from the clock and the data alone, so a run cut off anywhere
 * is completed by the next.
 */
export async function runRetention(db: RetentionDatabase, options: RunOptions): Promise<RunResult> {
  // A connection of the run's own rather than a reserved one from the pool: postgres.js cannot
  // reserve a pooled connection that was cut off, and the lock lives exactly as long as this.
  const conn = connect(db.url, { max: 1, applicationName: "trace-explorer-retention" });
  try {
    const [lock] = await conn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${RETENTION_LOCK_KEY}) AS ok`;
    if (lock?.ok !== true) return { status: "busy", runId: await runningRunId(db.sql) };
    return await execute(conn, db.sql, options);
  } finally {
    // Closing the session releases the lock, also when the session was lost.
    await conn.end({ timeout: 5 }).catch(() => {});
  }
}

async function execute(conn: Sql, sql: Sql, options: RunOptions): Promise<RunResult> {
  const now = options.now ?? new Date();
  const batch = { batchSize: options.batchSize ?? DEFAULT_BATCH, signal: options.signal };
  const interruptedRunsFound = await markInterrupted(conn);
  const runId = await startRunRecord(conn, options.trigger);
  const counts: RunCounts = {
    trigger: options.trigger,
    tenants: {},
    partitionsCreated: 0,
    partitionsDeferred: [],
    fixedAge: {},
    audit: { removed: 0, throughSeq: null, throughHash: null },
    interruptedRunsFound,
  };
  const partitionsDropped: string[] = [];
  let heldTenants: string[] = [];
  const progress = () => updateRunRecord(conn, runId, { counts, partitionsDropped, heldTenants });

  let status: Exclude<RunStatus, "running"> = "completed";
  let error: string | null = null;
  try {
    const tenants = await loadTenantPolicies(conn, now);
    heldTenants = [...tenants.values()].filter((t) => t.legalHold).map((t) => t.id);
    const active = [...tenants.values()].filter((t) => !t.legalHold);
    for (const t of active) counts.tenants[t.id] = emptyTenant();
    counts.partitionsCreated = await ensurePartitionsAhead(conn, now);

    const latestCutoff = Math.max(...active.map((t) => t.keptCutoff.getTime()), 0);
    const dropPartitions = () => dropExpiredPartitions(conn, tenants, latestCutoff, counts, partitionsDropped, batch.signal);
    await dropPartitions();
    await progress();

    for (const tenant of active) {
      const c = counts.tenants[tenant.id]!;
      Object.assign(c, await purgeExpiredTraces(conn, tenant, batch));
      c.derived = await purgeDerived(conn, tenant, batch);
      await progress();
    }
    // Days the row-level pass has just emptied.
    await dropPartitions();
    counts.fixedAge = await purgeFixedAge(conn, now, batch);
    counts.audit = await purgeAuditLog(conn, batch);
  } catch (cause) {
    status = batch.signal?.aborted ? "interrupted" : "failed";
    error = status === "interrupted" ? "stopped before it finished" : describeFailure(cause);
  }

  // The run's own connection may be the thing that failed: record the end through the pool.
  await updateRunRecord(sql, runId, { outcome: status, counts, partitionsDropped, heldTenants, error });
  await recordAudit(sql, {
    actor: { id: null, email: null, role: null },
    action: "retention.run",
    resource: `retention_runs/${runId}`,
    tenants: Object.keys(counts.tenants),
    outcome: status === "completed" ? "success" : "failure",
    details: { runId, trigger: options.trigger, summary: summarize(counts), partitionsDropped, heldTenants, error },
    request: NO_REQUEST,
  });
  return { status, runId, counts, partitionsDropped, heldTenants, error };
}

/**
 * Drops the daily partitions (of spans, sealed segments and log records) whose every row is expired. Counted per tenant before the drop,
 * since a dropped table cannot be counted; a detach held up by a lock waits for the next run.
 */
async function dropExpiredPartitions(
  conn: Sql,
  tenants: Map<string, TenantPolicy>,
  latestCutoff: number,
  counts: RunCounts,
  dropped: string[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const partitions = [];
  for (const table of Object.keys(DAILY_TABLES) as DailyTable[]) partitions.push(...(await listDayPartitions(conn, table)));
  // A table with a detach held up by a lock: Postgres allows one pending detach per table, so
  // its other partitions wait for the next run too, which finishes the pending one first.
  const heldUp = new Set<DailyTable>();
  const defer = (name: string) => {
    if (!counts.partitionsDeferred.includes(name)) counts.partitionsDeferred.push(name);
  };
  for (const partition of partitions) {
    if (partition.end.getTime() > latestCutoff) continue;
    signal?.throwIfAborted();
    await assertHoldsLock(conn);
    if (!(await isDroppable(conn, partition, tenants))) {
      if (!partition.attached) await reattach(conn, partition);
      continue;
    }
    if (heldUp.has(partition.table) && partition.attached) {
      defer(partition.name);
      continue;
    }
    const perTenant = await countByTenant(conn, partition);
    if ((await detachAndDrop(conn, partition)) === "held-up") {
      heldUp.add(partition.table);
      defer(partition.name);
      continue;
    }
    dropped.push(partition.name);
    for (const [tenantId, n] of perTenant) {
      const c = counts.tenants[tenantId];
      if (c && partition.table === "log_records") c.partitionLogRecords += n;
      else if (c) c.partitionSpans += n;
    }
  }
}

/**
 * What went wrong, for admins reading the run history. The purge's statements carry no trace
 * payloads, so the database's message is safe to keep here.
 */
function describeFailure(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return `${describeDatabaseError(cause)}: ${message}`.slice(0, 500);
}

/** Totals for the audit row (the run record keeps the per-tenant detail). */
export function summarize(counts: RunCounts) {
  let traces = 0;
  let spans = 0;
  let logRecords = 0;
  for (const c of Object.values(counts.tenants)) {
    traces += c.standard.traces + c.kept.traces;
    spans += c.standard.spans + c.kept.spans + c.strandedSpans + c.partitionSpans;
    logRecords += c.standard.logRecords + c.kept.logRecords + c.logRecordsAlone + c.partitionLogRecords;
  }
  return { traces, spans, logRecords, auditRowsRemoved: counts.audit.removed };
}
