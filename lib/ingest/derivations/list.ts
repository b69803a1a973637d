import type { SignalDeps } from "../otlp-http/signal";
import type { SpanDerivation } from "../traces/derivation";
import { rollupDerivation } from "./rollup-derivation";
import { traceSummaryDerivation } from "./trace-summary-derivation";

/**
 * What ingest keeps beside the spans, each written in the spans' transaction from the spans it
 * stores, in this order (lib/ingest/traces/store.ts). Adding one (a service map) is a module
 * with a SpanDerivation and an entry here.
 */
export const SPAN_DERIVATIONS: readonly ((deps: SignalDeps) => SpanDerivation)[] = [
  // `traces` rows: time range, counts, root, flags, attribute summary and its number cells.
  traceSummaryDerivation,
  // `span_rollup_delta`, folded into the latency rollup after the commit.
  rollupDerivation,
];
