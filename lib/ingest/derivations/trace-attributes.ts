/**
 * The per-trace attribute summary that trace search reads instead of scanning spans:
 * `traces.attributes` maps each span attribute key to the distinct values the trace's spans
 * carry, e.g. `{"job.id": ["job_7"], "http.response.status_code": [200, 503]}`, indexed by GIN.
 * Bounded so one noisy trace cannot grow its row without limit; a value past a cap is simply
 * not searchable, which the search page says.
 */
import { searchableNumber } from "@/lib/attributes/stored-value";

export const TRACE_ATTRIBUTE_LIMITS = {
  /** Keys per trace, the alphabetically first kept. */
  keys: 64,
  /** Distinct values per key. */
  valuesPerKey: 16,
  /** Longer values (statements, stack traces) are not summarised: nobody searches them by equality. */
  valueLength: 128,
} as const;

/**
 * Already columns of `traces` (tenant_id, request_id), or statements and stack traces that
 * nobody looks up by equality and that would otherwise be most of the summary's bytes.
 */
const UNSUMMARISED: ReadonlySet<string> = new Set(["tenant.id", "request.id", "db.query.text", "db.statement", "exception.stacktrace"]);

/** A summarised value; a bigint is an int64 past 2^53, written to jsonb as an exact number. */
export type Scalar = string | number | bigint | boolean;

/** The value as the summary keeps it, or undefined when it is not summarised. */
function summarised(key: string, value: unknown): Scalar | undefined {
  if (UNSUMMARISED.has(key)) return undefined;
  if (typeof value === "string") return value.length <= TRACE_ATTRIBUTE_LIMITS.valueLength ? value : undefined;
  if (typeof value === "boolean") return value;
  // Every int and double that is a number (a tagged int64 or whole double too) is searched as one.
  return searchableNumber(value);
}

/**
 * Builds one trace's summary in memory: values in the order first seen (ingest merges it into
 * the stored one with trace_attributes_merge, migration 0009; the demo generator writes it).
 */
export class TraceAttributeSummary {
  // A Set tells 1, "1" and true apart, as the jsonb values are.
  private readonly values = new Map<string, Set<Scalar>>();

  add(attributes: Readonly<Record<string, unknown>>): void {
    for (const key in attributes) {
      const value = summarised(key, attributes[key]);
      if (value === undefined) continue;
      let seen = this.values.get(key);
      if (!seen) this.values.set(key, (seen = new Set()));
      if (seen.size < TRACE_ATTRIBUTE_LIMITS.valuesPerKey) seen.add(value);
    }
  }

  toJSON(): Record<string, Scalar[]> {
    const keys = [...this.values.keys()].sort().slice(0, TRACE_ATTRIBUTE_LIMITS.keys);
    return Object.fromEntries(keys.map((k) => [k, [...this.values.get(k)!]]));
  }
}

/** A summary as JSON text, bigints as JSON numbers with every digit (jsonb keeps them exactly). */
export function summaryJson(summary: Readonly<Record<string, readonly Scalar[]>>): string {
  const parts: string[] = [];
  for (const key in summary) {
    const values = summary[key]!.map((v) => (typeof v === "bigint" ? v.toString() : JSON.stringify(v)));
    parts.push(`${JSON.stringify(key)}:[${values.join(",")}]`);
  }
  return `{${parts.join(",")}}`;
}
