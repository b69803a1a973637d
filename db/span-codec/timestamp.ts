/**
 * Formats microseconds since the epoch as timestamptz text for COPY. Spans of one trace share
 * their second, so the date part is cached instead of going through Date for every span.
 */
export class TimestampFormatter {
  private second = NaN;
  private prefix = "";

  format(epochUs: number): string {
    const second = Math.floor(epochUs / 1_000_000);
    if (second !== this.second) {
      this.second = second;
      // "2025-01-02T03:04:05.000Z" → "2025-01-02 03:04:05"
      this.prefix = new Date(second * 1000).toISOString().slice(0, 19).replace("T", " ");
    }
    const micros = epochUs - second * 1_000_000;
    return `${this.prefix}.${String(micros).padStart(6, "0")}+00`;
  }
}

/** Nanoseconds since the epoch as the decimal string OTLP uses (too large for a double). */
export function epochNanosText(epochUs: number, extraNs = 0): string {
  return `${epochUs}${String(extraNs).padStart(3, "0")}`;
}
