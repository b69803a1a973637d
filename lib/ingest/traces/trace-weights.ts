import type { StoredTrace } from "./derivation";
import type { AcceptedSpan } from "./enforce-tenant";
import { headSamplingWeight, storedStartNs } from "./span-facts";

type Span = AcceptedSpan["span"];

/** A trace is its tenant and its id: one id in two tenants is two traces that never mix. */
export const traceKey = (tenantId: string, traceId: string) => `${tenantId}/${traceId}`;

/** Of two parentless spans of a trace, whether `a` is its root rather than `b`: the first by start, then span id. */
export function isEarlierRoot(a: Span, b: Span): boolean {
  const as = storedStartNs(a.startNs);
  const bs = storedStartNs(b.startNs);
  return as !== bs ? as < bs : BigInt(a.spanId) < BigInt(b.spanId);
}

/** The sample weight a trace's root brings: 1/r when head sampling kept it at ratio r. */
export function rootWeight(root: Span | undefined): number {
  return root ? (headSamplingWeight(root.attributes) ?? 1) : 1;
}

/**
 * The sample weight of each trace with new spans once they are stored, by traceKey: a new
 * trace has its root's; a stored trace keeps its weight, times the root's when this
 * transaction brings the trace's first root.
 */
export function traceWeights(fresh: readonly AcceptedSpan[], stored: ReadonlyMap<string, StoredTrace>): Map<string, number> {
  const roots = new Map<string, Span | undefined>();
  for (const { tenantId, span } of fresh) {
    const key = traceKey(tenantId, span.traceId);
    const root = roots.get(key);
    if (span.parentSpanId !== null) {
      if (!roots.has(key)) roots.set(key, undefined);
    } else if (!root || isEarlierRoot(span, root)) roots.set(key, span);
  }
  const weights = new Map<string, number>();
  for (const [key, root] of roots) {
    const before = stored.get(key);
    weights.set(key, !before ? rootWeight(root) : before.has_root || !root ? before.sample_weight : before.sample_weight * rootWeight(root));
  }
  return weights;
}
