import "server-only";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { TenantScope } from "@/db/tenant-scope";
import { resolveTimeRange } from "@/lib/filters/time-range";
import type { SearchCursor } from "./search-cursor";
import type { AttributeCondition, SearchFilters, SortKey } from "./search-params";
import { withinRetention } from "../retention-filter";
import { isNumberCondition, numberCondition, numberProbe, type SearchWindow } from "./search-numbers";
import { hasLogCondition, logCondition } from "./search-logs";

type Fragment = PendingQuery<Row[]>;

/** The summary column each sort walks; whitelisted here, never taken from input. */
export const SORT_COLUMNS: Record<SortKey, string> = {
  start: "t.start_time",
  duration: "t.duration_ns",
  spans: "t.span_count",
  errors: "t.error_count",
};

/** Attribute keys a lookup by id matches besides the trace id and request id. */
export const LOOKUP_ATTRIBUTE_KEYS = ["job.id", "event.id"] as const;

const TRACE_ID = /^[0-9a-f]{32}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenants a search covers: the ones asked for (the gate checked they are in scope), else the scope. */
export function searchTenants(scope: TenantScope, asked: readonly string[] | undefined): readonly string[] | null {
  if (asked && asked.length > 0) return scope.all ? asked : asked.filter((t) => scope.tenantIds.includes(t));
  return scope.all ? null : scope.tenantIds;
}

function and(tx: TransactionSql, parts: Fragment[]): Fragment {
  return parts.reduce((acc, p) => tx`${acc} AND ${p}`, tx`true`);
}

/** `{"key": [value]}` as jsonb, bound as text: postgres.js would JSON-encode a string bound to jsonb once more. */
function filterJson(tx: TransactionSql, key: string, value: string | number | boolean): Fragment {
  return tx`(${JSON.stringify({ [key]: [value] })}::text)::jsonb`;
}

/**
 * Traces whose summary holds any of these key/value pairs, found through the GIN index by the
 * `traces_matching_attributes` probe (row-level security keeps `@>` off the index for the
 * reader role; the probe applies the same tenant rule).
 */
function matching(tx: TransactionSql, pairs: [string, string | number | boolean][]): Fragment {
  const probes = pairs.map(([k, v]) => tx`SELECT * FROM traces_matching_attributes(${filterJson(tx, k, v)})`);
  return tx`(t.tenant_id, t.trace_id) IN (${probes.reduce((acc, p) => tx`${acc} UNION ALL ${p}`)})`;
}

/** Values are typed in the summary; "503" typed in a filter also matches the number 503, "true" the boolean. */
function equalPairs(key: string, value: string | number): [string, string | number | boolean][] {
  const text = String(value);
  const pairs: [string, string | number | boolean][] = [[key, text]];
  const n = Number(text);
  if (text.trim() !== "" && Number.isFinite(n)) pairs.push([key, n]);
  if (text === "true" || text === "false") pairs.push([key, text === "true"]);
  return pairs;
}

const EQUALS_PATH = "$[*] ? (@ == $v)";

/**
 * The exact `key = value` check of one row's summary, without the index. A jsonpath test
 * rather than `@>`: the planner guesses `@>` matches a thousandth of the rows and then sorts
 * the whole window instead of walking it for a common value; a function gets a third.
 */
function equals(tx: TransactionSql, key: string, value: string | number): Fragment {
  const checks = equalPairs(key, value).map(
    ([, v]) => tx`jsonb_path_exists(t.attributes -> ${key}, ${EQUALS_PATH}::jsonpath, (${JSON.stringify({ v })}::text)::jsonb)`,
  );
  return tx`(${checks.reduce((acc, p) => tx`${acc} OR ${p}`)})`;
}

/** The traces the attributes index finds for `key = value`, for `t` to be one of. */
export function equalityProbe(tx: TransactionSql, c: AttributeCondition): Fragment {
  return matching(tx, equalPairs(c.key, c.value!));
}

/** One attribute condition against the trace's summary (lib/ingest/derivations/trace-attributes.ts), checked row by row. */
export function attributeCondition(tx: TransactionSql, c: AttributeCondition): Fragment {
  switch (c.op) {
    case "exists":
      return tx`t.attributes ? ${c.key}`;
    case "=":
      return equals(tx, c.key, c.value!);
    case "!=":
      // Some span has the key and none has it with this value.
      return tx`(t.attributes ? ${c.key} AND NOT ${equals(tx, c.key, c.value!)})`;
    case ">":
    case "<":
    case ">=":
    case "<=":
      if (!isNumberCondition(c)) throw new Error(`${c.key} ${c.op} needs a number`);
      return numberCondition(tx, c);
  }
}

/**
 * A direct lookup, in two steps: the trace id or request id (b-tree indexes), else a job or
 * event id of one of the trace's spans (the attribute summary).
 */
export type LookupStep = "ids" | "attributes";

export function lookup(tx: TransactionSql, q: string, step: LookupStep): Fragment {
  if (step === "attributes") return matching(tx, LOOKUP_ATTRIBUTE_KEYS.map((k) => [k, q]));
  if (!TRACE_ID.test(q)) return tx`t.request_id = ${q}`;
  const hex = q.replace(/-/g, "").toLowerCase();
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return tx`(t.request_id = ${q} OR t.trace_id = ${uuid}::uuid)`;
}

/** The tenants and time window a search covers; null for a lookup by id, which has no window. */
export function searchWindow(scope: TenantScope, f: SearchFilters, now: Date): SearchWindow | null {
  if (f.q) return null;
  const range = resolveTimeRange(f, "24h", now);
  return { tenants: searchTenants(scope, f.tenant), from: range.from, to: range.to };
}

/**
 * Every filter of a search except the lookup and the cursor, over `traces t JOIN tenants n`.
 * A lookup by id ignores the time window (a pasted id should be found wherever it falls
 * within retention). The `probed` conditions (search-probes.ts) also go through an index;
 * every condition is checked row by row.
 */
export function searchWhere(
  tx: TransactionSql,
  scope: TenantScope,
  f: SearchFilters,
  now: Date,
  probed: ReadonlySet<AttributeCondition> = new Set(),
): Fragment {
  const parts: Fragment[] = [withinRetention(tx)];
  const tenants = searchTenants(scope, f.tenant);
  if (tenants) parts.push(tx`t.tenant_id = ANY(${tenants as string[]}::text[])`);
  const window = searchWindow(scope, f, now);
  if (window) parts.push(tx`t.start_time >= ${window.from} AND t.start_time < ${window.to}`);
  if (f.service) parts.push(tx`t.services @> ARRAY[${f.service}]::text[]`);
  if (f.operation) parts.push(tx`t.root_name = ${f.operation}`);
  if (f.status) parts.push(f.status === "error" ? tx`t.has_error` : tx`NOT t.has_error`);
  if (f.minDuration !== undefined) parts.push(tx`t.duration_ns >= ${f.minDuration.toString()}::bigint`);
  if (f.maxDuration !== undefined) parts.push(tx`t.duration_ns <= ${f.maxDuration.toString()}::bigint`);
  if (hasLogCondition(f)) parts.push(logCondition(tx, f, window));
  for (const c of f.attr ?? []) {
    parts.push(attributeCondition(tx, c));
    if (!window || !probed.has(c)) continue;
    if (isNumberCondition(c)) parts.push(numberProbe(tx, c, window));
    else if (c.op === "=") parts.push(equalityProbe(tx, c));
  }
  return and(tx, parts);
}

/** The sort column as a value comparable with a cursor's: start times in microseconds. */
function cursorValue(tx: TransactionSql, c: SearchCursor): Fragment {
  return c.sort === "start" ? tx`(timestamptz 'epoch' + ${c.value}::bigint * interval '1 microsecond')` : tx`${c.value}::bigint`;
}

/** Rows after the cursor's row in the sort order; ties broken by (tenant, trace). */
export function afterCursor(tx: TransactionSql, c: SearchCursor): Fragment {
  const col = tx(SORT_COLUMNS[c.sort]);
  const v = cursorValue(tx, c);
  return c.dir === "desc"
    ? tx`${col} <= ${v} AND (${col} < ${v} OR (t.tenant_id, t.trace_id) < (${c.tenantId}, ${c.traceId}::uuid))`
    : tx`${col} >= ${v} AND (${col} > ${v} OR (t.tenant_id, t.trace_id) > (${c.tenantId}, ${c.traceId}::uuid))`;
}

/**
 * The rows a search reads: the traces table, or for a lookup by id only the few traces it
 * names. The lookup sits behind OFFSET 0 so it is planned on its own (index scans): next to
 * ORDER BY ... LIMIT, the planner would otherwise walk the start-time index through every
 * trace hoping to meet the match early (seconds instead of milliseconds).
 */
export function searchSource(tx: TransactionSql, lookupBy: { q: string; step: LookupStep } | null): Fragment {
  return lookupBy ? tx`(SELECT * FROM traces t WHERE ${lookup(tx, lookupBy.q, lookupBy.step)} OFFSET 0) t` : tx`traces t`;
}
