import type { TraceSearchLink } from "@/lib/latency/links";

/** The view's filters that every link into the trace search carries over. */
export type LinkContext = Pick<TraceSearchLink, "tenants" | "service" | "operation">;

export const stepEnd = (t: string, stepMinutes: number) => new Date(new Date(t).getTime() + stepMinutes * 60_000);
