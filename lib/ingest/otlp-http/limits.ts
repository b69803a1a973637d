/** Per-span limits, modelled on the OpenTelemetry SDK's span limits. */
export interface SpanLimits {
  /** Attributes kept per span and per resource (SDK default 128). */
  attributeCount: number;
  /** Characters kept of a string value or key. The SDK's default is unlimited; storage is not. */
  attributeValueLength: number;
  /** Events kept per span (SDK default 128). */
  eventCount: number;
  /** Links kept per span (SDK default 128). */
  linkCount: number;
  /** Attributes kept per event and per link (SDK default 128). */
  attributesPerEventOrLink: number;
}

export interface IngestLimits {
  /** Body size, both as received and after gunzip (OTLP collectors default to 20 MiB). */
  maxBodyBytes: number;
  maxSpansPerRequest: number;
  span: SpanLimits;
}

export const defaultLimits: IngestLimits = {
  maxBodyBytes: 20 * 1024 * 1024,
  maxSpansPerRequest: 10_000,
  span: {
    attributeCount: 128,
    attributeValueLength: 4096,
    eventCount: 128,
    linkCount: 128,
    attributesPerEventOrLink: 128,
  },
};

declare global {
  // ES2024 string methods, present in Node 20; the project's TypeScript lib is ES2023.
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

// Postgres text and jsonb refuse NUL, and jsonb refuses lone surrogates (which JSON.stringify
// writes as escapes): either would fail the whole batch, so such characters become U+FFFD.
const NUL = /\0/g;

export function storableText(value: string): string {
  const out = value.isWellFormed() ? value : value.toWellFormed();
  return out.includes("\0") ? out.replace(NUL, "\uFFFD") : out;
}

/** At most `maxLength` characters, never ending on half a surrogate pair. */
export function truncate(value: string, maxLength: number): string {
  return value.length > maxLength ? value.slice(0, maxLength).toWellFormed() : value;
}

/**
 * A value over the limit, cut visibly: as much as fits, then "…[truncated from N characters]",
 * within `maxLength` in all, so that the value read back and sent again is not cut twice. A
 * limit too small for the marker cuts without one.
 */
export function truncateMarked(value: string, maxLength: number): string {
  const marker = `…[truncated from ${value.length} characters]`;
  if (marker.length >= maxLength) return truncate(value, maxLength);
  return truncate(value, maxLength - marker.length) + marker;
}

/** The warning of a request some of whose values were cut (truncateMarked). */
export const truncationWarning = (n: number, limit: number) =>
  `Cut ${n} value${n === 1 ? "" : "s"} longer than ${limit} characters; each ends with "…[truncated from <length> characters]".`;
