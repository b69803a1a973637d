import type { Random } from "../random";
import { TraceBuilder, type DemoSpan, type TenantProfile } from "../trace-builder";
import { bulkImport } from "./bulk";
import { webRequest } from "./web";

/** A trace every demo holds whatever its size and seed: the mix alone makes it too rarely. */
export interface Showcase {
  /** Builds one candidate. */
  build: (t: TraceBuilder) => void;
  /** Whether the candidate shows the case (a random failure may have cut it short). */
  shows: (t: TraceBuilder) => boolean;
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

export const SHOWCASES: Showcase[] = [ASYNC_JOB_WITH_ERRORS_DEEP_IN_A_BIG_TRACE];

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
