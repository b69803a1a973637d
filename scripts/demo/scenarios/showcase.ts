import { SpanKind } from "../../../db/span-codec/kind-and-status";
import type { Random } from "../random";
import { TraceBuilder, type DemoSpan, type TenantProfile } from "../trace-builder";
import { changeSubscriptionInOutage } from "./billing";
import { bulkImport } from "./bulk";
import { UPDATE_TASK_ENDPOINT, updateTaskIndexedAt } from "./projects";
import { webRequest } from "./web";

/** A trace every demo holds whatever its size and seed: the mix alone makes it too rarely. */
export interface Showcase {
  /** Builds one candidate. */
  build: (t: TraceBuilder) => void;
  /** Whether the candidate shows the case (a random failure may have cut it short). */
  shows: (t: TraceBuilder) => boolean;
  /** The day of the window it falls in, counted back from its end: 0 (the default) is the last day. */
  daysAgo?: number;
}

const depthOf = (span: DemoSpan) => {
  let depth = 0;
  for (let s = span.parent; s; s = s.parent) depth++;
  return depth;
};

/**
 * A bulk import of about 3,000 spans answered at once, whose time is all in the job it enqueued
 * (the critical path and the slow-request ranking must find the job, issue 18 items 1–2), with
 * deadlocked inserts (error status and an exception event) deep in the tree (finding errors in
 * a big trace, item 4).
 */
const ASYNC_JOB_WITH_ERRORS_DEEP_IN_A_BIG_TRACE: Showcase = {
  build: (t) => webRequest(t, { method: "POST", route: "/api/imports", auth: "session", priority: "normal" }, bulkImport(3_000, 0.01)),
  shows: (t) =>
    t.spans.length >= 2_000 &&
    t.spans.some((s) => s.name === "process bulk-import") &&
    t.spans.some((s) => s.status === 2 && s.events?.some((e) => e.name === "exception") && depthOf(s) >= 5),
};

/** Task updates whose search indexing (outbox-relay → search-service) took `slowdown` times its usual time. */
const taskIndexing = (slowdown: number, daysAgo: number): Showcase => ({
  build: (t) => webRequest(t, UPDATE_TASK_ENDPOINT, updateTaskIndexedAt(slowdown)),
  shows: (t) => t.spans.some((s) => s.service === "search-service" && s.kind === SpanKind.Consumer),
  daysAgo,
});

/**
 * Calls on one edge each of the last two days: enough for the service map to weigh a change
 * (lib/services/types.ts counts one from 20 calls a window), whatever the traffic mix puts there.
 */
export const REGRESSION_CALLS = 24;
/** How much slower the search index got in the last day. */
const INDEX_SLOWDOWN = 15;

/**
 * The service map's "p95 rose" (issue 21): search indexing of task updates got 15 times slower
 * in the window's last day, against the day before, so a 24-hour map marks outbox-relay →
 * search-service whatever the seed and the weekday.
 */
const SEARCH_INDEX_REGRESSION: Showcase[] = [
  ...Array.from({ length: REGRESSION_CALLS }, () => taskIndexing(1, 1)),
  ...Array.from({ length: REGRESSION_CALLS }, () => taskIndexing(INDEX_SLOWDOWN, 0)),
];

/**
 * A job that failed every attempt and went to the dead-letter queue, its last failure logged at
 * error (issue 20's journey: a failed job → its span → its error log line → the request that
 * enqueued it). The traffic mix dead-letters one in about 20,000 provider syncs.
 */
const DEAD_LETTERED_JOB: Showcase = {
  build: (t) => webRequest(t, { method: "PUT", route: "/api/billing/subscription", auth: "session", priority: "high" }, changeSubscriptionInOutage),
  shows: (t) => t.spans.some((s) => s.attributes["job.outcome"] === "dead_lettered"),
};

export const SHOWCASES: Showcase[] = [ASYNC_JOB_WITH_ERRORS_DEEP_IN_A_BIG_TRACE, DEAD_LETTERED_JOB, ...SEARCH_INDEX_REGRESSION];

const MAX_TRIES = 100;

/** The showcase's first candidate that shows its case (one or two tries in practice). */
export function buildShowcase(showcase: Showcase, rng: Random, tenant: TenantProfile): TraceBuilder {
  for (let i = 0; i < MAX_TRIES; i++) {
    const t = new TraceBuilder(rng, tenant, `req_${rng.hex(16)}`);
    showcase.build(t);
    if (showcase.shows(t)) return t;
  }
  throw new Error(`no demo showcase trace in ${MAX_TRIES} tries: the scenario no longer shows its case`);
}
