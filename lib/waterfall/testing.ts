import type { SpanChunk } from "./span-page";

export interface SimpleSpan {
  id: string;
  parent?: string;
  /** Microseconds since the trace's start. */
  start: number;
  /** Microseconds. */
  duration?: number;
  service?: string;
  name?: string;
  status?: number;
  kind?: number;
  /** Event times, microseconds since the trace's start. */
  events?: number[];
  /** Ids of linked spans of the same trace. */
  links?: string[];
}

const hex = (id: string) => id.padStart(16, "0");

/** A chunk of the span stream from readable test data (ids are padded to 16 hex digits). */
export function pageOf(spans: readonly SimpleSpan[]): SpanChunk {
  return spans.map((s) => [
    hex(s.id),
    s.parent ? hex(s.parent) : "",
    s.start,
    (s.duration ?? 1) * 1000,
    s.service ?? "api",
    s.name ?? `op ${s.id}`,
    s.kind ?? 1,
    s.status ?? 0,
    s.events?.length ? s.events.map((e) => e * 1000) : null,
    s.links?.length ? s.links.map(hex) : null,
  ]);
}

/** A trace of `size` spans: a root and a tree of the given fan-out, starts increasing. */
export function widePage(size: number, fanout = 8): SpanChunk {
  const hexOf = (i: number) => i.toString(16).padStart(16, "0");
  return Array.from({ length: size }, (_, i): SpanChunk[number] => [
    hexOf(i),
    i === 0 ? "" : hexOf(Math.floor((i - 1) / fanout)),
    i,
    (size - i) * 1000,
    "abcde"[i % 5]!,
    "work",
    1,
    0,
    null,
    null,
  ]);
}
