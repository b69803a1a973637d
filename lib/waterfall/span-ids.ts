/**
 * Span ids in the browser's model as their two 32-bit halves (the high word first, as the
 * 16-hex id reads), not as strings: a million spans would otherwise be two million strings
 * and a Map keyed by them, most of the model's build.
 */

const HEX16 = /^[0-9a-f]{16}$/;

/** The id's [high, low] words, or null for anything that cannot name a span (what the server writes: 16 lowercase hex digits). */
export function parseSpanId(id: string): [number, number] | null {
  if (!HEX16.test(id)) return null;
  return [parseInt(id.slice(0, 8), 16), parseInt(id.slice(8), 16)];
}

export function formatSpanId(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

/** Spreads ids that differ in a few bits (counters, sequential ids) over the table. */
function mix(hi: number, lo: number): number {
  let h = Math.imul(lo, 0x9e3779b1) ^ hi;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * Span index by id: an open-addressing table over the model's id columns (linear probing,
 * at most half full of the columns' length). An id held by several spans finds the last of
 * them, as a Map filled in order would. Spans are indexed as they arrive (`add`), so the
 * model's build finds parents in a table that is already filled.
 */
export class SpanIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** Over the columns' first `count` spans; `add` indexes the next ones (up to the columns' length). */
  constructor(
    private readonly hi: Uint32Array,
    private readonly lo: Uint32Array,
    count = hi.length,
  ) {
    let capacity = 2;
    while (capacity < 2 * hi.length) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let i = 0; i < count; i++) this.add(i);
  }

  /** Indexes span i by the id in its columns; returns the span that held that id until now, or -1. */
  add(i: number): number {
    const s = this.slot(this.hi[i]!, this.lo[i]!);
    const before = this.slots[s]!;
    this.slots[s] = i;
    return before;
  }

  /** The span with this id, or -1. */
  find(hi: number, lo: number): number {
    return this.slots[this.slot(hi, lo)]!;
  }

  get(id: string): number | undefined {
    const words = parseSpanId(id);
    const i = words ? this.find(words[0], words[1]) : -1;
    return i < 0 ? undefined : i;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** The slot holding this id, or the empty one where it would go. */
  private slot(hi: number, lo: number): number {
    for (let s = mix(hi, lo) & this.mask; ; s = (s + 1) & this.mask) {
      const i = this.slots[s]!;
      if (i < 0 || (this.hi[i] === hi && this.lo[i] === lo)) return s;
    }
  }
}
