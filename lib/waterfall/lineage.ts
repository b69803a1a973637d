import { SPAN_KIND_SERVER } from "./span-page";
import type { TraceModel } from "./trace-model";

/**
 * The request a job or event handler span belongs to: its nearest SERVER ancestor (jobs and
 * handlers continue the request's trace under the producer span), else the trace's root.
 */
export function requestSpanOf(model: Pick<TraceModel, "parent" | "kind">, span: number): number {
  let top = span;
  for (let p = model.parent[span]!; p >= 0; p = model.parent[p]!) {
    if (model.kind[p] === SPAN_KIND_SERVER) return p;
    top = p;
  }
  return top === span ? -1 : top;
}

export function isDescendant(model: Pick<TraceModel, "parent">, span: number, ancestor: number): boolean {
  for (let p = model.parent[span]!; p >= 0; p = model.parent[p]!) if (p === ancestor) return true;
  return false;
}
