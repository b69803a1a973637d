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
}

const hex = (id: string) => id.padStart(16, "0");

/** A span page from readable test data (ids are padded to 16 hex digits). */
export function pageOf(spans: readonly SimpleSpan[]): SpanChunk {
  const serviceTable: string[] = [];
  const nameTable: string[] = [];
  const at = (table: string[], v: string) => (table.includes(v) ? table.indexOf(v) : table.push(v) - 1);
  const events: number[] = [];
  spans.forEach((s, row) => {
    if (s.events?.length) events.push(row, s.events.length, ...s.events.map((e) => e * 1000));
  });
  return {
    ids: spans.map((s) => hex(s.id)),
    parents: spans.map((s) => (s.parent ? hex(s.parent) : "")),
    starts: spans.map((s) => s.start),
    durations: spans.map((s) => (s.duration ?? 1) * 1000),
    services: spans.map((s) => at(serviceTable, s.service ?? "api")),
    serviceTable,
    names: spans.map((s) => at(nameTable, s.name ?? `op ${s.id}`)),
    nameTable,
    kinds: spans.map((s) => s.kind ?? 1),
    statuses: spans.map((s) => s.status ?? 0),
    events,
  };
}

/** A trace of `size` spans: a root and a tree of the given fan-out, starts increasing. */
export function widePage(size: number, fanout = 8): SpanChunk {
  const ids: string[] = [];
  const parents: string[] = [];
  const starts: number[] = [];
  const durations: number[] = [];
  for (let i = 0; i < size; i++) {
    ids.push(i.toString(16).padStart(16, "0"));
    parents.push(i === 0 ? "" : Math.floor((i - 1) / fanout).toString(16).padStart(16, "0"));
    starts.push(i);
    durations.push((size - i) * 1000);
  }
  const zeros = new Array<number>(size).fill(0);
  return {
    ids,
    parents,
    starts,
    durations,
    services: ids.map((_, i) => i % 5),
    serviceTable: ["a", "b", "c", "d", "e"],
    names: zeros,
    nameTable: ["work"],
    kinds: ids.map(() => 1),
    statuses: zeros,
    events: [],
  };
}
