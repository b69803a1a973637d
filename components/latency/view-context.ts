import type { TraceSearchLink } from "@/lib/latency/links";

/** The view's filters that every link into the trace search carries over. */
export type LinkContext = Pick<TraceSearchLink, "tenants" | "service" | "operation">;

export const stepEnd = (t: string, stepMinutes: number) => new Date(new Date(t).getTime() + stepMinutes * 60_000);

/** Axis label of a step start, in UTC like the rest of the explorer. */
export function timeLabel(iso: string, stepMinutes: number): string {
  return stepMinutes >= 1440 ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
