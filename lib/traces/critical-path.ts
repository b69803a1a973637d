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
}

/** A stretch of the critical path during which `id` itself (not a child) was the work. */
export interface PathSegment {
  id: string;
  start: number;
  end: number;
}

export interface CriticalPath {
  /** Ordered by time; adjacent segments meet end to start. */
  segments: PathSegment[];
  /** Spans that own at least one segment. */
  spanIds: Set<string>;
  /** Time on the critical path per service, largest first. */
  byService: { service: string; time: number }[];
}

function childrenIndex(spans: readonly TimedSpan[]): { roots: TimedSpan[]; children: Map<string, TimedSpan[]> } {
  const ids = new Set(spans.map((s) => s.id));
  const children = new Map<string, TimedSpan[]>();
  const roots: TimedSpan[] = [];
  for (const span of spans) {
    if (span.parentId === null || span.parentId === span.id || !ids.has(span.parentId)) roots.push(span);
    else {
      const list = children.get(span.parentId);
      if (list) list.push(span);
      else children.set(span.parentId, [span]);
    }
  }
  return { roots, children };
}

/**
 * Walks back from the end of the root: the child that finished last before the cursor is
 * what the parent waited for; the gaps between such children are the parent's own time.
 * Children are clipped to their parent's window (work that outlived its parent, such as a
 * job enqueued by a request, is not on the request's path). With several roots (missing
 * parents), the one that ends last is the trace's root.
 */
export function criticalPath(spans: readonly TimedSpan[]): CriticalPath {
  const { roots, children } = childrenIndex(spans);
  const segments: PathSegment[] = [];
  const root = roots.reduce<TimedSpan | undefined>((best, span) => (!best || span.end > best.end ? span : best), undefined);
  if (!root) return { segments, spanIds: new Set(), byService: [] };

  const work: { span: TimedSpan; start: number; end: number }[] = [{ span: root, start: root.start, end: root.end }];
  for (let item = work.pop(); item; item = work.pop()) {
    const { span, start, end } = item;
    const kids = (children.get(span.id) ?? [])
      .filter((k) => k.end > start && k.start < end)
      .sort((a, b) => b.end - a.end || a.start - b.start);
    let cursor = end;
    for (const child of kids) {
      if (cursor <= start) break;
      if (child.start >= cursor) continue;
      const childEnd = Math.min(child.end, cursor);
      if (childEnd < cursor) segments.push({ id: span.id, start: childEnd, end: cursor });
      const childStart = Math.max(child.start, start);
      if (childEnd > childStart) work.push({ span: child, start: childStart, end: childEnd });
      cursor = childStart;
    }
    if (cursor > start) segments.push({ id: span.id, start, end: cursor });
  }

  segments.sort((a, b) => a.start - b.start);
  const serviceOf = new Map(spans.map((s) => [s.id, s.service]));
  const totals = new Map<string, number>();
  for (const seg of segments) {
    const service = serviceOf.get(seg.id)!;
    totals.set(service, (totals.get(service) ?? 0) + (seg.end - seg.start));
  }
  return {
    segments,
    spanIds: new Set(segments.map((s) => s.id)),
    byService: [...totals].map(([service, time]) => ({ service, time })).sort((a, b) => b.time - a.time || a.service.localeCompare(b.service)),
  };
}

/**
 * Self time of every span: its duration minus the union of its children's intervals
 * (clipped to the span), so parallel children are not subtracted twice.
 */
export function selfTimes(spans: readonly TimedSpan[]): Map<string, number> {
  const { children } = childrenIndex(spans);
  const result = new Map<string, number>();
  for (const span of spans) {
    const kids = (children.get(span.id) ?? [])
      .map((k) => [Math.max(k.start, span.start), Math.min(k.end, span.end)] as const)
      .filter(([s, e]) => e > s)
      .sort((a, b) => a[0] - b[0]);
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
