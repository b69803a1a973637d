import { SpanKind } from "../../../db/span-codec/kind-and-status";
import type { DemoSpan, TraceBuilder } from "../trace-builder";
import { enqueueJob, insertOutboxEvent, relayOutboxEvent, type JobSpec } from "./async";
import { FAILURES } from "./failures";
import { callService, db, externalCall, query, redis, search } from "./infra";
import type { Handler } from "./web";

/** The largest trace the demo writes; the explorer must cope with it. */
export const MAX_TRACE_SPANS = 20_000;
/** Spans a scenario may add after a fan-out loop stops (closing spans, events, handlers). */
const HEADROOM = 40;

const INSERT_IMPORT = query("INSERT", "imports", "INSERT INTO imports (id, tenant_id, source, status) VALUES ($1, $2, $3, 'queued')", 800);
const INSERT_TASKS = query("INSERT", "tasks", "INSERT INTO tasks (id, tenant_id, project_id, title, status, position) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])", 18_000);
const FINISH_IMPORT = query("UPDATE", "imports", "UPDATE imports SET status = $1, rows = $2, finished_at = now() WHERE id = $3", 900);
const TASK_PAGE = query("SELECT", "tasks", "SELECT id, title, body, status, project_id FROM tasks WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT 500", 25_000);
const BULK_INDEX = '{"index":{"_index":"tasks","_id":"?"}}';

/** A target size for a big trace: log-uniform, so most are hundreds of spans and a few are near the cap. */
export function bigTraceSize(t: TraceBuilder): number {
  return Math.floor(200 * (MAX_TRACE_SPANS / 200) ** t.rng.next());
}

/**
 * Imports a tenant's CSV in chunks of 500 rows until the trace reaches `target` spans; each
 * chunk's insert deadlocks with a concurrent writer with probability `deadlockChance`.
 */
function bulkImportJob(target: number, deadlockChance: number): JobSpec {
  return {
    name: "bulk-import",
    queue: "imports",
    maxAttempts: 1,
    work: (t, span, at) => {
      let end = externalCall(
        t,
        span,
        at,
        { method: "GET", host: "objects.eu-west-1.example", route: "/{bucket}/{key}", medianUs: 400_000, tries: 3 },
        () => ({ status: 200, timedOut: false }),
      ).end;
      const chunks = fanOut(t, span, end + 100, target, "import.chunk", (chunk, at, index) => {
        // A deadlock with a concurrent writer: the chunk retries once, inside the same span.
        if (t.fails(deadlockChance)) at = db(t, chunk, at, INSERT_TASKS, { failure: FAILURES.deadlock, slowdown: 20 }) + 50_000;
        let end = db(t, chunk, at, INSERT_TASKS);
        if (index % 10 === 9) end = search(t, chunk, end + 30, "bulk", "tasks", BULK_INDEX, 120_000);
        return end;
      });
      span.attributes["import.chunks"] = chunks.count;
      span.attributes["import.rows"] = chunks.count * 500;
      end = db(t, span, chunks.end + 50, FINISH_IMPORT);
      const event = insertOutboxEvent(t, span, end + 20, "import.completed");
      relayOutboxEvent(t, event, event.insertedAt, [
        { service: "notification-service", work: (t, s, at) => ({ end: redis(t, s, at, "PUBLISH", "notifications:?") }) },
      ]);
      return { end: event.insertedAt };
    },
  };
}

/**
 * Runs INTERNAL spans named `name`, one per chunk, each with the children `body` adds, until
 * another chunk could push the trace past `target` spans.
 */
function fanOut(
  t: TraceBuilder,
  parent: DemoSpan,
  at: number,
  target: number,
  name: string,
  body: (chunk: DemoSpan, at: number, index: number) => number,
): { end: number; count: number } {
  const limit = Math.min(target, MAX_TRACE_SPANS) - HEADROOM;
  let end = at;
  let count = 0;
  // A chunk adds at most 4 spans (chunk, failed try, insert, index).
  while (t.spans.length + 4 <= limit) {
    const chunk = t.start(parent, parent.service, name, SpanKind.Internal, end + t.latency(500, 0.5), { [`${name}.index`]: count });
    end = t.end(chunk, body(chunk, chunk.start + 20, count) + 30);
    count++;
  }
  return { end, count };
}

export function bulkImport(target: number, deadlockChance = 0.002): Handler {
  return (t, api, at) =>
    callService(t, api, "projects-service", "POST", "/internal/imports", at, (s, at) => {
      const end = db(t, s, at, INSERT_IMPORT);
      return { end: enqueueJob(t, s, end + 20, bulkImportJob(target, deadlockChance)), status: 202 };
    });
}

/** Rebuilds a tenant's search index page by page: a scheduled job, so no request id. */
export function reindexJob(target: number): JobSpec {
  return {
    name: "search-reindex",
    queue: "maintenance",
    maxAttempts: 1,
    work: (t, span, at) => {
      const pages = fanOut(t, span, at, target, "reindex.page", (page, at) => {
        const end = db(t, page, at, TASK_PAGE);
        return search(t, page, end + 40, "bulk", "tasks", BULK_INDEX, 90_000);
      });
      span.attributes["reindex.pages"] = pages.count;
      return { end: pages.end };
    },
  };
}
