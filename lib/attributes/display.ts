import type { TypedValue } from "./stored-value";

/** What ingest appends to a value it cut (lib/ingest/otlp-http/limits.ts truncateMarked). */
const TRUNCATION_MARKER = /…\[truncated from (\d+) characters\]$/;

/** The original length of a value ingest cut, or undefined when it was not cut. */
export function truncatedFrom(value: TypedValue): number | undefined {
  if (value.type !== "string") return undefined;
  const m = TRUNCATION_MARKER.exec(value.value);
  return m ? Number(m[1]) : undefined;
}

function doubleText(d: number): string {
  if (Object.is(d, -0)) return "-0.0";
  // A whole double reads as one, not as the int it equals.
  return Number.isInteger(d) && Math.abs(d) < 1e21 ? `${d}.0` : String(d);
}

/** A value as text for the span detail: exact digits, doubles with their point, nested values inline. */
export function displayValue(value: TypedValue, nested = false): string {
  switch (value.type) {
    case "string":
      return nested ? JSON.stringify(value.value) : value.value;
    case "bool":
      return String(value.value);
    case "int":
      return value.value.toString();
    case "double":
      return doubleText(value.value);
    case "bytes":
      return `base64:${value.base64}`;
    case "array":
      return `[${value.values.map((v) => displayValue(v, true)).join(", ")}]`;
    case "kvlist":
      return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}: ${displayValue(v, true)}`).join(", ")}}`;
    case "empty":
      return "(empty)";
  }
}
