import type { SignalDeps } from "../otlp-http/signal";
import type { SpanDerivation } from "../traces/derivation";
import { rollupDerivation } from "./rollup-derivation";
import { serviceMapDerivation } from "./service-map-derivation";
import { traceSummaryDerivation } from "./trace-summary-derivation";

/**
 * What ingest keeps beside the spans, each written in the spans' transaction from the spans it
 * stores, in this order (lib/ingest/traces/store.ts). Adding one is a module
 * with a SpanDerivation and an entry here.
 */
export const SPAN_DERIVATIONS: readonly ((deps: SignalDeps) => SpanDerivation)[] = [
  // `traces` rows: time range, counts, root, flags, attribute summary and its number cells.
  traceSummaryDerivation,
  // `span_rollup_delta`, folded into the latency rollup after the commit.
  rollupDerivation,
  // `service_map_delta`, folded into the service map after the commit.
  serviceMapDerivation,
];
