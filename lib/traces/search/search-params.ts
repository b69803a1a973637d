import { z } from "zod";
import { refineTimeRange, timeRangeParams } from "@/lib/filters/time-range";
import { describeIssues } from "@/lib/validation/issues";
import { parseLeniently, type LenientParse } from "@/lib/http/lenient-params";
import { tenantIdSchema } from "@/lib/tenants/tenant-id";
import { LOG_LEVEL_NAMES } from "@/lib/filters/log-level";

/**
 * The trace search's URL state, the one schema of the page (`/traces`) and the JSON API
 * (`GET /api/traces`). Every filter lives in the query string; `serializeSearch` is the
 * inverse of `parseSearch`, so a link reproduces the view.
 */

export const SORT_KEYS = ["start", "duration", "spans", "errors"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SORT_DIRS = ["desc", "asc"] as const;
export type SortDir = (typeof SORT_DIRS)[number];
export const ATTRIBUTE_OPS = ["=", "!=", ">", "<", ">=", "<=", "exists"] as const;
export type AttributeOp = (typeof ATTRIBUTE_OPS)[number];

export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
export const MAX_ATTRIBUTE_CONDITIONS = 8;
/** Matches the ingest side's summary: longer values are not summarised, so never match. */
export const MAX_ATTRIBUTE_VALUE_LENGTH = 128;
/** Words a trace's logs must contain (full text: each a whole word). */
export const MAX_LOG_TEXT_LENGTH = 200;

/**
 * Names and values travel only as bound parameters, but a filter carrying SQL syntax is a
 * probe or a paste error, never a real service or id: it is refused with a clear message.
 */
const SQL_SYNTAX = /['";\\]|--|\/\*|\*\//;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function anyText(max: number) {
  return z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), "must not contain control characters");
}

export function text(max: number) {
  return anyText(max).refine((s) => !SQL_SYNTAX.test(s), "must not contain quotes, semicolons, backslashes or SQL comment markers");
}

/** Trace ids (32 hex or a uuid), request ids and job ids. */
const LOOKUP = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

const ATTRIBUTE_KEY = "[A-Za-z_][A-Za-z0-9_.:/-]{0,127}";
const CONDITION = new RegExp(`^(${ATTRIBUTE_KEY})\\s*(?:(!=|=|>=|<=|>|<)\\s*(.*)|\\s+(exists))$`);

export interface AttributeCondition {
  key: string;
  op: AttributeOp;
  /** Absent for `exists`; a finite number for `>`, `<`, `>=` and `<=`. */
  value?: string | number;
}

// Attribute values are data (a SQL statement, a name like O'Brien): any text, as a bound parameter.
const conditionValue = anyText(MAX_ATTRIBUTE_VALUE_LENGTH);

/** `key = value`, `key != value`, `key > 500`, `key >= 500`, `key < 0.5`, `key <= 0.5` or `key exists`. */
export function parseCondition(raw: string): { ok: true; condition: AttributeCondition } | { ok: false; message: string } {
  if (raw.length > 300) return { ok: false, message: "is too long" };
  const m = CONDITION.exec(raw.trim());
  if (!m) return { ok: false, message: `"${raw.slice(0, 40)}" is not "key = value", "key != value", "key > n", "key >= n", "key < n", "key <= n" or "key exists"` };
  const key = m[1]!;
  if (m[4]) return { ok: true, condition: { key, op: "exists" } };
  const op = m[2] as AttributeOp;
  const value = conditionValue.safeParse(m[3] ?? "");
  if (!value.success) return { ok: false, message: `the value of ${key} ${value.error.issues[0]?.message ?? "is invalid"}` };
  if (op !== "=" && op !== "!=") {
    const n = Number(value.data);
    if (!Number.isFinite(n)) return { ok: false, message: `${key} ${op} needs a number` };
    return { ok: true, condition: { key, op, value: n } };
  }
  return { ok: true, condition: { key, op, value: value.data } };
}

export function formatCondition(c: AttributeCondition): string {
  return c.op === "exists" ? `${c.key} exists` : `${c.key} ${c.op} ${c.value}`;
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m)$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9 };
const MAX_DURATION_NS = 24n * 3600n * 1_000_000_000n;

/** "250ms", "1.5s", "2m", "800us" as nanoseconds; null when not a duration. */
export function parseDuration(raw: string): bigint | null {
  const m = DURATION.exec(raw.trim().toLowerCase());
  if (!m) return null;
  const ns = BigInt(Math.round(Number(m[1]) * UNIT_NS[m[2]!]!));
  return ns <= MAX_DURATION_NS ? ns : null;
}

/** The shortest exact form: 1500000000n is "1.5s", 250000000n "250ms". */
export function formatDurationParam(ns: bigint): string {
  for (const [unit, size] of [["s", 1_000_000_000n], ["ms", 1_000_000n], ["us", 1_000n]] as const) {
    if (ns >= size && (ns * 1000n) % size === 0n) return `${Number(ns) / Number(size)}${unit}`;
  }
  return `${ns}ns`;
}

export const duration = z
  .string()
  .max(32, "must be at most 32 characters")
  .transform((s, ctx) => {
    const ns = parseDuration(s);
    if (ns === null) {
      ctx.addIssue({ code: "custom", message: 'is not a duration like "250ms", "1.5s" or "2m" (at most 24h)' });
      return z.NEVER;
    }
    return ns;
  });

/** A repeated parameter: one value or several. */
export function repeated<T extends z.ZodType<unknown, string>>(item: T, max: number, what: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item).max(max, `at most ${max} ${what}`));
}

const condition = z.string().transform((raw, ctx) => {
  const parsed = parseCondition(raw);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: parsed.message });
    return z.NEVER;
  }
  return parsed.condition;
});

const single = "must be given once";

export const searchParamsSchema = z
  .object({
    tenant: repeated(tenantIdSchema, 100, "tenants").optional(),
    service: text(200).optional(),
    operation: text(300).optional(),
    attr: repeated(condition, MAX_ATTRIBUTE_CONDITIONS, "attribute conditions").optional(),
    minDuration: duration.optional(),
    maxDuration: duration.optional(),
    status: z.enum(["error", "ok"], { error: 'must be "error" or "ok"' }).optional(),
    // Log text is data (a quoted message, a SQL error): any text, as a bound parameter.
    logText: anyText(MAX_LOG_TEXT_LENGTH).optional(),
    logLevel: z.enum(LOG_LEVEL_NAMES, { error: `must be one of ${LOG_LEVEL_NAMES.join(", ")}` }).optional(),
    q: z
      .string()
      .trim()
      .max(128, "must be at most 128 characters")
      .regex(LOOKUP, "must be a trace id, request id or job id (letters, digits, '_', '.', ':' or '-')")
      .optional(),
    sort: z.enum(SORT_KEYS, { error: `must be one of ${SORT_KEYS.join(", ")}` }).default("start"),
    dir: z.enum(SORT_DIRS, { error: 'must be "desc" or "asc"' }).default("desc"),
    cursor: z.string().max(512, "is not a valid page cursor").regex(/^[A-Za-z0-9_-]+$/, "is not a valid page cursor").optional(),
    limit: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`).default(PAGE_SIZE),
  })
  .extend(timeRangeParams.shape)
  .superRefine((v, ctx) => {
    refineTimeRange(v, ctx);
    if (v.minDuration !== undefined && v.maxDuration !== undefined && v.minDuration > v.maxDuration) {
      ctx.addIssue({ code: "custom", path: ["maxDuration"], message: "must not be below minDuration" });
    }
  });

export type SearchFilters = z.output<typeof searchParamsSchema>;
export type RawSearchParams = Record<string, string | string[] | undefined>;

/** Parameters that may appear once; a second copy is an error, not silently ignored. */
const SINGLE_KEYS = ["service", "operation", "minDuration", "maxDuration", "status", "logText", "logLevel", "q", "sort", "dir", "cursor", "limit", "range", "from", "to"];

/** A query string as the parsers read it: a repeated parameter as an array. */
export function rawSearchParams(params: URLSearchParams): RawSearchParams {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export type ParsedSearch = { ok: true; filters: SearchFilters } | { ok: false; message: string };

/** What the schema reads: empty fields are absent, and a single parameter given twice is set aside as a problem. */
function searchInput(raw: RawSearchParams): { known: RawSearchParams; repeatedKeys: string[] } {
  const repeatedKeys = SINGLE_KEYS.filter((key) => Array.isArray(raw[key]));
  const known = Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== undefined && v !== "" && !repeatedKeys.includes(k)));
  return { known, repeatedKeys };
}

export function parseSearch(raw: RawSearchParams): ParsedSearch {
  const { known, repeatedKeys } = searchInput(raw);
  if (repeatedKeys.length > 0) return { ok: false, message: `${repeatedKeys[0]}: ${single}` };
  const result = searchParamsSchema.safeParse(known);
  if (result.success) return { ok: true, filters: result.data };
  return { ok: false, message: describeIssues(result.error) };
}

/** The search page's reading: every bad parameter listed and dropped, the valid rest searched. */
export function parseSearchLeniently(raw: RawSearchParams): LenientParse<SearchFilters> {
  const { known, repeatedKeys } = searchInput(raw);
  const rest = parseLeniently(searchParamsSchema, known);
  return { data: rest.data, problems: [...repeatedKeys.map((key) => `${key}: ${single}`), ...rest.problems], dropped: [...repeatedKeys, ...rest.dropped] };
}

/** The query string of a search; defaults are left out so links stay short. */
export function serializeSearch(f: Partial<SearchFilters>): URLSearchParams {
  const p = new URLSearchParams();
  for (const t of f.tenant ?? []) p.append("tenant", t);
  if (f.service) p.set("service", f.service);
  if (f.operation) p.set("operation", f.operation);
  for (const c of f.attr ?? []) p.append("attr", formatCondition(c));
  if (f.minDuration !== undefined) p.set("minDuration", formatDurationParam(f.minDuration));
  if (f.maxDuration !== undefined) p.set("maxDuration", formatDurationParam(f.maxDuration));
  if (f.status) p.set("status", f.status);
  if (f.logText) p.set("logText", f.logText);
  if (f.logLevel) p.set("logLevel", f.logLevel);
  if (f.q) p.set("q", f.q);
  if (f.range) p.set("range", f.range);
  if (f.from) p.set("from", f.from.toISOString());
  if (f.to) p.set("to", f.to.toISOString());
  if (f.sort && f.sort !== "start") p.set("sort", f.sort);
  if (f.dir && f.dir !== "desc") p.set("dir", f.dir);
  if (f.limit && f.limit !== PAGE_SIZE) p.set("limit", String(f.limit));
  if (f.cursor) p.set("cursor", f.cursor);
  return p;
}

/** What the audit row records of a search: the filters as the URL says them. */
export function searchDetails(f: SearchFilters): Record<string, unknown> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of serializeSearch(f)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}
