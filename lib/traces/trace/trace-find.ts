import "server-only";
import type { TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { bigintToSpanId } from "@/db/span-codec/ids";
import { likePattern } from "@/lib/db/like-pattern";
import { withTenantScope } from "@/lib/db/scoped";
import { spanJson, stringAt } from "@/lib/traces/segments/decode";
import { keptRows, sourceSql, traceSpanColumnSources, type SegmentColumnsSource, type SpanSource } from "@/lib/traces/span-store/read";
import { findCandidates } from "./find-candidates";
import { ASCII_FOLDING_SQL, spanMatcher } from "./find-match";
import { findTraceHeader } from "./trace-header";
import { MAX_FIND_RESULTS } from "./trace-find-limits";

/** Whether this process's database folds case in ILIKE as find-match.ts does (ctype C): asked once. */
let asciiFolding: boolean | undefined;

async function foldsAscii(tx: TransactionSql): Promise<boolean> {
  asciiFolding ??= (await tx.unsafe<{ ascii: boolean }[]>(ASCII_FOLDING_SQL))[0]!.ascii;
  return asciiFolding;
}

/** The source's matching span ids by the SQL: its rows, or a segment's candidates (findCandidates) handed to Postgres. */
export async function findBySql(tx: TransactionSql, source: SpanSource, text: string, limit: number): Promise<string[]> {
  const pattern = likePattern(text);
  const rows = await tx<{ id: string }[]>`
    SELECT lpad(to_hex(s.span_id), 16, '0') AS id
    FROM ${sourceSql(tx, source, { keep: findCandidates(text) })} s
    WHERE s.status_message ILIKE ${pattern}
           OR EXISTS (SELECT 1 FROM jsonb_each_text(s.attributes) a WHERE a.key ILIKE ${pattern} OR a.value ILIKE ${pattern})
           OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(s.events) = 'array' THEN s.events ELSE '[]'::jsonb END) e
                      WHERE e->>'name' ILIKE ${pattern}
                         OR EXISTS (SELECT 1 FROM jsonb_each_text(CASE WHEN jsonb_typeof(e->'attributes') = 'object' THEN e->'attributes' ELSE '{}'::jsonb END) ea
                                    WHERE ea.key ILIKE ${pattern} OR ea.value ILIKE ${pattern}))
    LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

/** A segment's matching span ids found in Node from its columns, in its order: what findBySql gives for it. */
export function findInColumns(source: SegmentColumnsSource<"attributes" | "events">, text: string, limit: number): string[] {
  const { columns: c } = source;
  const matches = spanMatcher(text);
  const found: string[] = [];
  const rows = keptRows(source);
  for (let k = 0; k < rows.length && found.length < limit; k++) {
    const i = rows[k]!;
    if (matches(stringAt(c, c.statusMessage[i]!), spanJson(c, "attributes", i), spanJson(c, "events", i))) found.push(bigintToSpanId(c.spanId[i]!));
  }
  return found;
}

/**
 * Spans of the trace whose status message, attribute keys or values, or events (a name, an
 * attribute key or value: `exception`, `exception.message`, the message itself) contain `text`
 * (any case). Names, services and status codes are matched in the browser, which has them;
 * attributes and events stay here. A sealed segment is matched in Node (find-match.ts) when the
 * database folds case as that does; handing its spans to Postgres as JSON took seconds.
 */
export async function findInTrace(
  tx: TransactionSql,
  scope: TenantScope,
  request: { traceId: string; tenant?: string; text: string },
): Promise<string[] | null> {
  const header = await findTraceHeader(tx, scope, request.traceId, request.tenant);
  if (!header) return null;
  const found: string[] = [];
  for await (const source of traceSpanColumnSources(tx, header, ["attributes", "events"])) {
    const limit = MAX_FIND_RESULTS - found.length;
    if (source.sealed && (await foldsAscii(tx))) found.push(...findInColumns(source, request.text, limit));
    else found.push(...(await findBySql(tx, source.sealed ? source.spans() : source, request.text, limit)));
    if (found.length >= MAX_FIND_RESULTS) break;
  }
  return found;
}

export function findSpans(scope: TenantScope, request: { traceId: string; tenant?: string; text: string }): Promise<string[] | null> {
  return withTenantScope(scope, (tx) => findInTrace(tx, scope, request));
}
