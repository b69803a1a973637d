import { SpanKind } from "../../../db/span-codec/kind-and-status";
import { enqueueJob, insertOutboxEvent, relayOutboxEvent, type JobSpec } from "./async";
import { FAILURES } from "./failures";
import { db, externalCall, query, redis } from "./infra";
import type { Handler } from "./web";

const INSERT_EXPORT = query("INSERT", "report_exports", "INSERT INTO report_exports (id, tenant_id, kind, status, requested_by) VALUES ($1, $2, $3, 'queued', $4)", 800);
const EXPORT_PAGE = query("SELECT", "tasks", "SELECT id, title, status, assignee_id, created_at, closed_at FROM tasks WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3", 60_000);
const FINISH_EXPORT = query("UPDATE", "report_exports", "UPDATE report_exports SET status = $1, object_key = $2, finished_at = now() WHERE id = $3", 800);

/** Builds the export in pages, renders it and uploads it; a huge export can run out of memory. */
const reportExport: JobSpec = {
  name: "report-export",
  queue: "reports",
  maxAttempts: 2,
  work: (t, span, at) => {
    const pages = t.rng.int(3, 30);
    let end = at;
    for (let i = 0; i < pages; i++) end = db(t, span, end + 200, EXPORT_PAGE);
    const render = t.start(span, "job-worker", "report.render", SpanKind.Internal, end + 50, { "report.pages": pages });
    end = t.end(render, render.start + t.latency(150_000 * pages, 0.5));
    if (pages > 20 && t.fails(0.1)) {
      t.fail(render, FAILURES.renderOutOfMemory, end);
      return { end, failure: FAILURES.renderOutOfMemory };
    }
    end = externalCall(
      t,
      span,
      end + 100,
      { method: "PUT", host: "objects.eu-west-1.example", route: "/{bucket}/{key}", medianUs: 250_000, tries: 3 },
      () => ({ status: t.fails(0.02) ? 503 : 200, timedOut: false }),
    ).end;
    end = db(t, span, end + 30, FINISH_EXPORT);
    const event = insertOutboxEvent(t, span, end + 20, "report.ready");
    relayOutboxEvent(t, event, event.insertedAt, [
      { service: "notification-service", work: (t, s, at) => ({ end: redis(t, s, at, "PUBLISH", "notifications:?") }) },
    ]);
    return { end: event.insertedAt };
  },
};

/** Requesting an export answers 202 at once; the work happens in the worker, same trace. */
export const requestExport: Handler = (t, api, at) => {
  const end = db(t, api, at, INSERT_EXPORT);
  return { end: enqueueJob(t, api, end + 20, reportExport), status: 202 };
};
