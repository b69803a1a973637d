/**
 * Whether the trace of summary `t` (an alias with tenant_id, trace_id, start_time, end_time) has
 * segments, as SQL. A segment's start is its first span's, so it lies in the summary's time range:
 * the probe is pruned at run time to the day partitions that range spans, one or two index-only
 * probes. Derived where asked rather than kept as a flag on the summary: the sealer writing that
 * flag rewrote every sealed trace's ~1.6 kB summary (a new version, often off its page, with
 * entries in all fourteen indexes), for a bit the segments already say.
 */
export function hasSegments(t: string): string {
  return `EXISTS (SELECT 1 FROM span_segments sg WHERE sg.tenant_id = ${t}.tenant_id AND ${segmentInTrace("sg", t)})`;
}

/** Segment `g` belongs to the trace of summary `t` of the same tenant, pruned as hasSegments is. */
export function segmentInTrace(g: string, t: string): string {
  return `${g}.trace_id = ${t}.trace_id AND ${g}.start_time >= ${t}.start_time AND ${g}.start_time <= ${t}.end_time`;
}
