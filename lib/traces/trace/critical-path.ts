/**
 * Critical path and self time of one trace, pure so the waterfall (in the browser) and the
 * investigation pages (on the server) agree. Times are numbers in one unit (nanoseconds
 * since the trace start suit: exact up to about 104 days).
 */
export interface TimedSpan {
  id: string;
  parentId: string | null;
  service: string;
  start: number;
  end: number;
  /** Ids of the spans this one links to (FOLLOWS_FROM-style), in any trace: others are ignored. */
  links?: readonly string[];
}

/**
 * A stretch of the critical path during which `id` itself (not a child) was the work, or, with
 * `wait`, the time before `id` started that it spent queued after its predecessor handed it
 * off (a job waiting for a worker, a retry's backoff).
 */
export interface PathSegment {
  id: string;
  start: number;
  end: number;
  wait?: true;
}

export interface CriticalPath {
  /** Ordered by time; adjacent segments meet end to start. */
  segments: PathSegment[];
  /** Spans that own at least one segment. */
  spanIds: Set<string>;
  /** Time on the critical path per service, largest first (queue waits are in `queueWait`). */
  byService: { service: string; time: number }[];
  /** Time on the critical path spent queued between a producer and its consumer. */
  queueWait: number;
}

/** The spans as arrays by position: parent and links resolved to positions, children sorted by end, latest first. */
interface Graph {
  parent: Int32Array;
  links: Map<number, number[]>;
  childOffset: Int32Array;
  childList: Int32Array;
}

function graphOf(spans: readonly TimedSpan[]): Graph {
  const n = spans.length;
  const position = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!position.has(spans[i]!.id)) position.set(spans[i]!.id, i);
  const parent = new Int32Array(n);
  const links = new Map<number, number[]>();
  const childOffset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const span = spans[i]!;
    const p = span.parentId === null ? undefined : position.get(span.parentId);
    parent[i] = p === undefined || p === i ? -1 : p;
    if (parent[i]! >= 0) childOffset[parent[i]! + 1]!++;
    for (const id of span.links ?? []) {
      const target = position.get(id);
      if (target === undefined || target === i) continue;
      const list = links.get(i);
      if (list) list.push(target);
      else links.set(i, [target]);
    }
  }
  for (let i = 0; i < n; i++) childOffset[i + 1]! += childOffset[i]!;
  const fill = childOffset.slice(0, n);
  const childList = new Int32Array(childOffset[n]!);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childList[fill[parent[i]!]!++] = i;
  const later = (a: number, b: number) => spans[b]!.end - spans[a]!.end || spans[a]!.start - spans[b]!.start;
  for (let i = 0; i < n; i++) if (childOffset[i + 1]! - childOffset[i]! > 1) childList.subarray(childOffset[i]!, childOffset[i + 1]!).sort(later);
  return { parent, links, childOffset, childList };
}

/**
 * What `span` waited for before it started at `t`: the parent while the parent was running
 * (an ordinary call); otherwise, of the parent and the linked spans that had begun by then,
 * the one that handed off last (a producer, a previous attempt), or -1 for a root.
 */
function predecessor(spans: readonly TimedSpan[], graph: Graph, span: number, t: number): number {
  const p = graph.parent[span]!;
  if (p >= 0 && spans[p]!.start <= t && t < spans[p]!.end) return p;
  let best = -1;
  let handoff = -Infinity;
  for (const c of p >= 0 ? [p, ...(graph.links.get(span) ?? [])] : (graph.links.get(span) ?? [])) {
    if (spans[c]!.start > t) continue;
    const h = Math.min(spans[c]!.end, t);
    if (h > handoff) {
      best = c;
      handoff = h;
    }
  }
  // A parent that starts after its child is clock skew, not a root.
  return best >= 0 ? best : p;
}

/**
 * The trace end to end, walked back from the span that ends last. Inside a span, the child
 * that finished last before the cursor is what it waited for and the gaps between such
 * children are its own time (children clipped to the window). Where a span began, the walk
 * climbs to what it waited for (predecessor above): into a parent that was running, or back to
 * a producer or linked span that had ended, the gap being a queue wait. So work that outlived
 * the request (a job, an event handler) is on the path when the trace's time is in it.
 *
 * `to`: the span whose end the path leads to instead, e.g. the root for the request's own path
 * (what its caller waited for, children clipped to it).
 */
export function criticalPath(spans: readonly TimedSpan[], to?: string): CriticalPath {
  const segments: PathSegment[] = [];
  let last = to === undefined ? -1 : spans.findIndex((s) => s.id === to);
  for (let i = 0; i < spans.length && to === undefined; i++) {
    const s = spans[i]!;
    if (last < 0 || s.end > spans[last]!.end || (s.end === spans[last]!.end && s.start < spans[last]!.start)) last = i;
  }
  if (last < 0) return { segments, spanIds: new Set(), byService: [], queueWait: 0 };

  const graph = graphOf(spans);
  // Descent number per span: a parent cycle cannot make one descent visit a span twice.
  const seen = new Int32Array(spans.length);
  const climbed = new Uint8Array(spans.length);
  let descent = 0;
  const descend = (top: number, from: number, to: number) => {
    seen[top] = ++descent;
    const work = [top, from, to];
    while (work.length > 0) {
      const end = work.pop()!;
      const start = work.pop()!;
      const span = work.pop()!;
      let cursor = end;
      for (let c = graph.childOffset[span]!; c < graph.childOffset[span + 1]! && cursor > start; c++) {
        const k = graph.childList[c]!;
        const child = spans[k]!;
        if (child.end <= start) break;
        if (child.start >= cursor || seen[k] === descent) continue;
        const childEnd = Math.min(child.end, cursor);
        if (childEnd < cursor) segments.push({ id: spans[span]!.id, start: childEnd, end: cursor });
        const childStart = Math.max(child.start, start);
        if (childEnd > childStart) {
          seen[k] = descent;
          work.push(k, childStart, childEnd);
        }
        cursor = childStart;
      }
      if (cursor > start) segments.push({ id: spans[span]!.id, start, end: cursor });
    }
  };

  let queueWait = 0;
  let cursor = spans[last]!.end;
  for (let span = last; span >= 0 && !climbed[span]; ) {
    climbed[span] = 1;
    const s = spans[span]!;
    if (cursor > s.start) descend(span, s.start, cursor);
    const t = Math.min(s.start, cursor);
    const before = predecessor(spans, graph, span, t);
    if (before < 0) break;
    const handoff = spans[before]!.end;
    if (handoff < t) {
      segments.push({ id: s.id, start: handoff, end: t, wait: true });
      queueWait += t - handoff;
    }
    cursor = Math.min(handoff, t);
    span = before;
  }

  segments.sort((a, b) => a.start - b.start);
  const serviceOf = new Map(spans.map((s) => [s.id, s.service]));
  const totals = new Map<string, number>();
  for (const seg of segments) {
    if (seg.wait) continue;
    const service = serviceOf.get(seg.id)!;
    totals.set(service, (totals.get(service) ?? 0) + (seg.end - seg.start));
  }
  return {
    segments,
    spanIds: new Set(segments.map((s) => s.id)),
    byService: [...totals].map(([service, time]) => ({ service, time })).sort((a, b) => b.time - a.time || a.service.localeCompare(b.service)),
    queueWait,
  };
}

/**
 * Self time of every span: its duration minus the union of its children's intervals
 * (clipped to the span), so parallel children are not subtracted twice.
 */
export function selfTimes(spans: readonly TimedSpan[]): Map<string, number> {
  const { childOffset, childList } = graphOf(spans);
  const result = new Map<string, number>();
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const kids: [number, number][] = [];
    for (let c = childOffset[i]!; c < childOffset[i + 1]!; c++) {
      const k = spans[childList[c]!]!;
      const s = Math.max(k.start, span.start);
      const e = Math.min(k.end, span.end);
      if (e > s) kids.push([s, e]);
    }
    kids.sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let runStart = -Infinity;
    let runEnd = -Infinity;
    for (const [s, e] of kids) {
      if (s > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = s;
        runEnd = e;
      } else runEnd = Math.max(runEnd, e);
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    result.set(span.id, Math.max(0, span.end - span.start - covered));
  }
  return result;
}
