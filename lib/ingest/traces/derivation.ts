import type { TransactionSql } from "postgres";
import type { AcceptedSpan, TenantPolicy } from "./enforce-tenant";
import type { SealedSpans } from "./sealed-spans";

/** A stored trace with one of the request's trace ids, as STORED_TRACES (store-sql.ts) reads it. */
export interface StoredTrace {
  trace_id: string;
  tenant_id: string;
  sample_weight: number;
  has_root: boolean;
  /** Some of its spans are in segments (lib/traces/segments/has-segments.ts). */
  sealed: boolean;
}

/** The stored traces that accepted spans of the request join (late spans, a retried export). */
export interface JoinedTraces {
  /** Each joined trace once. */
  traces: readonly StoredTrace[];
  /** Every accepted span of the request, joining a stored trace or not. */
  accepted: readonly AcceptedSpan[];
  joins(tenantId: string, traceId: string): boolean;
  /** The joined traces' sealed spans: a lookup of stored spans reads these as well as the rows. */
  sealed: SealedSpans;
}

/** What one transaction stores, as each derivation sees it. */
export interface NewSpans {
  /** Accepted and not stored before, each once: what a derivation counts, so it never counts a span twice. */
  fresh: readonly AcceptedSpan[];
  /** Accepted, whether stored before or not. */
  accepted: readonly AcceptedSpan[];
  tenants: ReadonlyMap<string, TenantPolicy>;
  /** The sample weight a trace with new spans has once they are stored; 1 for any other. */
  traceWeight(tenantId: string, traceId: string): number;
  /**
   * Whether the trace was stored before and has segments (STORED_TRACES' `sealed`): read under the
   * request's locks on its traces, so no seal comes between that read and this transaction's writes.
   */
  hasSegments(tenantId: string, traceId: string): boolean;
}

/** A derivation's part in one ingest transaction. */
export interface DerivationRun {
  /**
   * Reads of the joined traces' stored data, issued with the store's own in its second round
   * trip, which happens only when some accepted span joins a stored trace.
   */
  lookup?(tx: TransactionSql, joined: JoinedTraces): Promise<void>;
  /**
   * Its statements for the new spans (called only when there are some). Queued with the
   * transaction's other statements, ahead of the spans' COPY: no round trip of its own. The
   * transaction is all or nothing, so what it writes is there exactly when the spans are.
   */
  write(tx: TransactionSql, spans: NewSpans): Promise<unknown>;
}

/**
 * Data kept beside the spans, computed in memory from the spans one transaction stores and
 * written in that transaction (trace summaries, the latency rollup): one entry of
 * SPAN_DERIVATIONS (lib/ingest/derivations/list.ts).
 */
export interface SpanDerivation {
  /** One request's run; called for each attempt of the transaction. */
  start(): DerivationRun;
  /** After a transaction that stored spans committed. */
  committed?(): void;
}
