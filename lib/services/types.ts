/** Re-weighted figures of a service's entry spans or of an edge's calls over a window. */
export interface MapFigures {
  /** Calls, re-weighted for sampling. */
  count: number;
  errorRate: number;
  p50Ns: number | null;
  p95Ns: number | null;
}

export interface MapNode {
  service: string;
  /** Its entry spans (roots, server and consumer spans); null when it only calls out in the window. */
  figures: MapFigures | null;
  perSecond: number;
}

/** What got worse against the previous window of the same length. */
export interface Risen {
  errors: boolean;
  p95: boolean;
}

export interface MapEdge extends MapFigures {
  caller: string;
  service: string;
  previous: MapFigures | null;
  risen: Risen;
}

export interface ServiceMap {
  nodes: MapNode[];
  edges: MapEdge[];
}

/** p95 must grow by more than this factor to count as risen: several histogram buckets (5% each), not noise. */
const P95_RISE = 1.25;
/** An error rate must grow by at least this many points (and double, when it was above zero). */
const ERROR_RISE = 0.01;

/** Calls (re-weighted) each window needs before a change counts: a p95 of a handful of calls is noise. */
const MIN_CALLS = 20;

/** Whether an edge's error rate or p95 rose against the previous window; nothing rose from an edge new in the window, or one too rarely called. */
export function rose(now: MapFigures, before: MapFigures | null): Risen {
  if (!before || now.count < MIN_CALLS || before.count < MIN_CALLS) return { errors: false, p95: false };
  return {
    errors: now.errorRate - before.errorRate >= ERROR_RISE && now.errorRate >= 2 * before.errorRate,
    p95: now.p95Ns !== null && before.p95Ns !== null && now.p95Ns > before.p95Ns * P95_RISE,
  };
}
