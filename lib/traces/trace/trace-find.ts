import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { likePattern } from "@/lib/db/like-pattern";
import { withTenantScope } from "@/lib/db/scoped";
import { sourceSql, traceSpanSources } from "@/lib/traces/span-store/read";
import { findCandidates } from "./find-candidates";
import { findTraceHeader } from "./trace-header";
import { MAX_FIND_RESULTS } from "./trace-find-limits";

/**
 * Spans of the trace whose status message, attribute keys or values, or events (a name, an
 * attribute key or value: `exception`, `exception.message`, the message itself) contain `text`
 * (any case). Names, services and status codes are matched in the browser, which has them;
 * attributes and events stay here.
 */
export async function findInTrace(
  tx: TransactionSql,
  scope: TenantScope,
  request: { traceId: string; tenant?: string; text: string },
): Promise<string[] | null> {
  const header = await findTraceHeader(tx, scope, request.traceId, request.tenant);
  if (!header) return null;
  const pattern = likePattern(request.text);
  const keep = findCandidates(request.text);
  const found: string[] = [];
  for await (const source of traceSpanSources(tx, header)) {
    const rows = await tx<{ id: string }[]>`
      SELECT lpad(to_hex(s.span_id), 16, '0') AS id
      FROM ${sourceSql(tx, source, { keep })} s
      WHERE s.status_message ILIKE ${pattern}
             OR EXISTS (SELECT 1 FROM jsonb_each_text(s.attributes) a WHERE a.key ILIKE ${pattern} OR a.value ILIKE ${pattern})
             OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.events) = 'array' THEN s.events ELSE '[]'::jsonb END) e
                        WHERE e->>'name' ILIKE ${pattern}
                           OR EXISTS (SELECT 1 FROM jsonb_each_text(CASE WHEN jsonb_typeof(e->'attributes') = 'object' THEN e->'attributes' ELSE '{}'::jsonb END) ea
                                      WHERE ea.key ILIKE ${pattern} OR ea.value ILIKE ${pattern}))
      LIMIT ${MAX_FIND_RESULTS - found.length}`;
    found.push(...rows.map((r) => r.id));
    if (found.length >= MAX_FIND_RESULTS) break;
  }
  return found;
}

export function findSpans(scope: TenantScope, request: { traceId: string; tenant?: string; text: string }): Promise<string[] | null> {
  return withTenantScope(scope, (tx) => findInTrace(tx, scope, request));
}
