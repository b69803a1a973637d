/**
 * OTLP span and link `flags` (opentelemetry-proto trace.proto, SpanFlags): bits 0-7 are the
 * W3C trace flags (bit 0: sampled), bit 8 says whether bit 9 is known, bit 9 that the parent
 * (for a link, the linked span context) is remote. Other bits are reserved; shown as hex.
 */
const SAMPLED = 0x1;
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/** The flags as hex and words, e.g. `0x00000301 (sampled, remote parent)`. */
export function describeFlags(flags: number, remoteWhat = "parent"): string {
  const words = [flags & SAMPLED ? "sampled" : "not sampled"];
  if (flags & HAS_IS_REMOTE) words.push(flags & IS_REMOTE ? `remote ${remoteWhat}` : `local ${remoteWhat}`);
  return `0x${(flags >>> 0).toString(16).padStart(8, "0")} (${words.join(", ")})`;
}
