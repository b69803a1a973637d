import { randomBytes } from "node:crypto";
import { fixed64, keyValues, type requestOf, type PlainValue } from "./synthetic";

type Request = ReturnType<typeof requestOf>;
type Span = NonNullable<NonNullable<NonNullable<Request["resourceSpans"]>[number]["scopeSpans"]>[number]["spans"]>[number];

export interface LargeTraceOptions {
  /** Spans in the trace, exactly. */
  spans: number;
  /** Spans per request (the last may have fewer). */
  batch: number;
  tenant: string;
  /** Start of the trace, epoch ms. */
  startMs: number;
}

const MS = 1_000_000n;
const US = 1_000n;
/** Chunks after which an enqueued job's run is exported: the worker's exporter lags the importer's. */
const JOB_LAG_CHUNKS = 1_000;

interface Made {
  service: string;
  span: Span;
}

/**
 * One batch job's trace, as its services export it: a request enqueues a bulk import whose
 * run (a job span) writes chunk after chunk, each with its insert, every 10th with a search
 * index call, every 4th enqueueing a follow-up job that another worker runs (a producer and a
 * consumer with a query), exported about a request later than its producer. Spans come in
 * the order they end, so the long job span comes last. Every request after the first joins
 * the stored trace, and carries producers and job runs: the stored-span lookups of ingest
 * run on every one.
 */
export function* largeTraceRequests(options: LargeTraceOptions): Generator<Request> {
  const traceId = randomBytes(16);
  const t0 = BigInt(options.startMs) * MS;
  const pending: Made[] = [];
  const delayed: { releaseAt: number; spans: Made[] }[] = [];
  let made = 0;

  const span = (service: string, parent: Buffer | undefined, name: string, kind: number, startNs: bigint, durationNs: bigint, attributes: Record<string, PlainValue>): Buffer => {
    const spanId = randomBytes(8);
    const s: Span = {
      traceId, spanId, parentSpanId: parent, name, kind,
      startTimeUnixNano: fixed64(startNs), endTimeUnixNano: fixed64(startNs + durationNs),
      attributes: keyValues({ "tenant.id": options.tenant, ...attributes }),
      status: { code: 0 },
    };
    pending.push({ service, span: s });
    made++;
    return spanId;
  };
  const budget = () => options.spans - made - 1; // one kept for the job run, which ends last

  function* flush(all: boolean): Generator<Request> {
    while (pending.length >= options.batch || (all && pending.length > 0)) yield exportOf(pending.splice(0, options.batch));
  }

  const root = span("web-api", undefined, "POST /api/imports", 2, t0, 40n * MS, { "http.request.method": "POST", "http.route": "/api/imports", "http.response.status_code": 202 });
  const enqueue = budget() > 0 ? span("web-api", root, "bulk-import publish", 4, t0 + 10n * MS, 500n * US, { "messaging.destination.name": "imports", "job.name": "bulk-import" }) : root;
  const jobRunId = randomBytes(8);
  const jobStart = t0 + 100n * MS;
  let k = 0;
  for (; budget() > 0; k++) {
    const at = jobStart + BigInt(k) * MS;
    const chunk = span("job-worker", jobRunId, "import.chunk", 1, at, 900n * US, { "import.chunk.index": k, "import.rows": 500 });
    if (budget() > 0) span("job-worker", chunk, "INSERT tasks", 3, at + 50n * US, 400n * US, { "db.system": "postgresql", "db.operation.name": "INSERT", "db.query.text": "INSERT INTO tasks (id, tenant_id, project_id, title) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])" });
    if (k % 10 === 9 && budget() > 0) span("job-worker", chunk, "POST /_bulk", 3, at + 460n * US, 200n * US, { "http.request.method": "POST", "server.address": "search.internal", "http.response.status_code": 200 });
    if (k % 4 === 3 && budget() > 2) {
      const producer = span("job-worker", chunk, "index-chunk publish", 4, at + 700n * US, 20n * US, { "messaging.destination.name": "indexing", "job.name": "index-chunk" });
      const runAt = at + 5n * MS;
      const run = span("search-indexer", producer, "index-chunk", 5, runAt, 2n * MS, { "job.name": "index-chunk", "job.id": `index-${k}`, "job.attempt": 1 });
      span("search-indexer", run, "SELECT tasks", 3, runAt + 100n * US, 1n * MS, { "db.system": "postgresql", "db.operation.name": "SELECT" });
      // The worker's spans leave with its own exporter, later.
      delayed.push({ releaseAt: k + JOB_LAG_CHUNKS, spans: pending.splice(pending.length - 2, 2) });
    }
    while (delayed.length > 0 && delayed[0]!.releaseAt <= k) pending.push(...delayed.shift()!.spans);
    yield* flush(false);
  }
  for (const d of delayed) pending.push(...d.spans);
  const jobEnd = jobStart + BigInt(k + 10) * MS;
  pending.push({
    service: "job-worker",
    span: {
      traceId, spanId: jobRunId, parentSpanId: enqueue, name: "bulk-import", kind: 5,
      startTimeUnixNano: fixed64(jobStart), endTimeUnixNano: fixed64(jobEnd),
      attributes: keyValues({ "tenant.id": options.tenant, "job.name": "bulk-import", "job.id": "import-1", "job.attempt": 1, "import.chunks": k }),
      status: { code: 0 },
    },
  });
  yield* flush(true);
}

function exportOf(spans: readonly Made[]): Request {
  const byService = new Map<string, Span[]>();
  for (const { service, span } of spans) {
    const list = byService.get(service);
    if (list) list.push(span);
    else byService.set(service, [span]);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: keyValues({ "service.name": service, "deployment.environment.name": "production" }) },
      scopeSpans: [{ scope: { name: "batch-instrumentation", version: "1.0.0" }, spans: list }],
    })),
  };
}
