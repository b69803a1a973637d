import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { findTraceHeader, type TraceHeader } from "@/lib/traces/trace/trace-header";
import { TYPICAL, type CompareRequest } from "./compare-params";
import { findTypical, type TypicalPick } from "./typical";

/** The two traces a comparison shows, each null when not in the caller's scope (or nowhere). */
export interface ComparePair {
  a: TraceHeader | null;
  b: TraceHeader | null;
  /** Why A was picked, when the request asked for a typical trace and one was found. */
  typical: TypicalPick | null;
}

/**
 * Both headers read under the caller's scope: a trace of a tenant outside it is null exactly
 * like one that does not exist, so the page answers both the same way and shows nothing of it.
 */
export async function readComparePair(tx: TransactionSql, scope: TenantScope, request: CompareRequest): Promise<ComparePair> {
  const b = await findTraceHeader(tx, scope, request.b, request.bTenant);
  if (request.a !== TYPICAL) return { a: await findTraceHeader(tx, scope, request.a, request.aTenant), b, typical: null };
  const typical = b ? await findTypical(tx, scope, b) : null;
  const a = typical ? await findTraceHeader(tx, scope, typical.traceId, typical.tenantId) : null;
  return { a, b, typical };
}
