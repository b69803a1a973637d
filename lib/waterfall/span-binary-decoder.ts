import {
  assertLittleEndian,
  FRAME_COUNT_FIELDS,
  FRAME_HEADER_BYTES,
  frameLayout,
  MAX_FRAME_BYTES,
  PREAMBLE_BYTES,
  SPAN_STREAM_MAGIC,
  SPAN_STREAM_VERSION,
  type FrameCounts,
} from "@/lib/traces/trace/span-binary-format";

/** The binary span stream is not what the server writes: cut short, or damaged. */
export class SpanStreamError extends Error {
  override readonly name = "SpanStreamError";
}

/** One frame's spans as columns (lib/traces/trace/span-binary-format.ts), the strings already decoded. */
export interface SpanBatch {
  /** Spans in the batch. */
  n: number;
  /** Each span's id as two words, high then low (lib/waterfall/span-ids.ts): 2n of them. */
  ids: Uint32Array;
  /** The parent ids the same way; 0 where `hasParent` is 0. */
  parents: Uint32Array;
  /** 0 for a span without a parent ("" in SpanTuple). */
  hasParent: Uint8Array;
  startUs: Float64Array;
  durationNs: Float64Array;
  strings: string[];
  service: Uint32Array;
  name: Uint32Array;
  kind: Uint8Array;
  status: Uint8Array;
  /** Event times of the spans that have events, by their index in the batch; null where JSON has null. */
  events: Map<number, number[]>;
  /** Link targets (16-hex ids) of the spans that have any, by their index in the batch. */
  links: Map<number, string[]>;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function hexId(bytes: Uint8Array, at: number): string {
  return HEX[bytes[at]!]! + HEX[bytes[at + 1]!]! + HEX[bytes[at + 2]!]! + HEX[bytes[at + 3]!]! + HEX[bytes[at + 4]!]! + HEX[bytes[at + 5]!]! + HEX[bytes[at + 6]!]! + HEX[bytes[at + 7]!]!;
}

/** A big-endian word of an id's bytes (Uint32Array keeps it unsigned). */
function word(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

const damaged = (what: string): never => {
  throw new SpanStreamError(`damaged span stream: ${what}`);
};

/** Spans with something (events or links): increasing span indexes below n, each count ≥ 1, summing to `total`. */
function sparse(spans: Uint32Array, counts: Uint32Array, n: number, total: number, what: string): void {
  let sum = 0;
  for (let k = 0; k < spans.length; k++) {
    if (spans[k]! >= n || (k > 0 && spans[k]! <= spans[k - 1]!)) damaged(`${what} of spans out of order or out of range`);
    if (counts[k] === 0) damaged(`an empty list of ${what}`);
    sum += counts[k]!;
  }
  if (sum !== total) damaged(`${what} do not add up`);
}

/** One frame's payload (its own buffer, so the sections are aligned) as a batch, every count and index checked. */
export function decodeFrame(payload: Uint8Array): SpanBatch {
  if (payload.byteOffset % 8 !== 0) throw new Error("a frame must be decoded from an aligned buffer");
  if (payload.length < FRAME_HEADER_BYTES) damaged("a frame shorter than its header");
  const head = new Uint32Array(payload.buffer, payload.byteOffset, FRAME_HEADER_BYTES / 4);
  const c = Object.fromEntries(FRAME_COUNT_FIELDS.map((f, i) => [f, head[i]!])) as unknown as FrameCounts;
  if (head[FRAME_COUNT_FIELDS.length] !== 0) damaged("a frame header of another version");
  const at = frameLayout(c);
  if (at.total !== payload.length) damaged(`a frame of ${payload.length} bytes whose header says ${at.total}`);
  const { buffer, byteOffset: base } = payload;
  const f64 = (offset: number, length: number) => new Float64Array(buffer, base + offset, length);
  const u32 = (offset: number, length: number) => new Uint32Array(buffer, base + offset, length);
  const u8 = (offset: number, length: number) => new Uint8Array(buffer, base + offset, length);
  const { n } = c;

  const lengths = u32(at.stringLength, c.strings);
  const bytes = u8(at.strings, c.stringBytes);
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const strings: string[] = new Array(c.strings);
  let from = 0;
  for (let k = 0; k < c.strings; k++) {
    const to = from + lengths[k]!;
    if (to > bytes.length) damaged("strings past their table");
    try {
      strings[k] = decoder.decode(bytes.subarray(from, to));
    } catch {
      damaged("a string that is not UTF-8");
    }
    from = to;
  }
  if (from !== bytes.length) damaged("strings that do not fill their table");

  const service = u32(at.service, n);
  const name = u32(at.name, n);
  const hasParent = u8(at.hasParent, n);
  const idBytes = u8(at.id, 8 * n);
  const parentBytes = u8(at.parent, 8 * n);
  const ids = new Uint32Array(2 * n);
  const parents = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (service[i]! >= c.strings || name[i]! >= c.strings) damaged("a string index past the table");
    const flag = hasParent[i]!;
    if (flag > 1) damaged("a parent flag that is neither 0 nor 1");
    ids[2 * i] = word(idBytes, 8 * i);
    ids[2 * i + 1] = word(idBytes, 8 * i + 4);
    if (flag) {
      parents[2 * i] = word(parentBytes, 8 * i);
      parents[2 * i + 1] = word(parentBytes, 8 * i + 4);
    }
  }

  const eventSpan = u32(at.eventSpan, c.eventSpans);
  const eventCount = u32(at.eventCount, c.eventSpans);
  sparse(eventSpan, eventCount, n, c.eventTimes, "events");
  const times = f64(at.eventTime, c.eventTimes);
  const events = new Map<number, number[]>();
  for (let k = 0, t = 0; k < eventSpan.length; k++) {
    const list: number[] = new Array(eventCount[k]!);
    for (let e = 0; e < list.length; e++, t++) list[e] = Number.isNaN(times[t]!) ? (null as unknown as number) : times[t]!;
    events.set(eventSpan[k]!, list);
  }

  const linkSpan = u32(at.linkSpan, c.linkSpans);
  const linkCount = u32(at.linkCount, c.linkSpans);
  sparse(linkSpan, linkCount, n, c.linkTargets, "links");
  const targets = u8(at.linkTarget, 8 * c.linkTargets);
  const links = new Map<number, string[]>();
  for (let k = 0, t = 0; k < linkSpan.length; k++) {
    const list: string[] = new Array(linkCount[k]!);
    for (let l = 0; l < list.length; l++, t++) list[l] = hexId(targets, 8 * t);
    links.set(linkSpan[k]!, list);
  }

  return {
    n,
    ids,
    parents,
    hasParent,
    startUs: f64(at.startUs, n),
    durationNs: f64(at.durationNs, n),
    strings,
    service,
    name,
    kind: u8(at.kind, n),
    status: u8(at.status, n),
    events,
    links,
  };
}

/**
 * Reads the binary span stream as it arrives (`push` each piece the network gives), handing
 * each whole frame to `onBatch`; `end` when the body ends throws unless the stream ended with
 * its end mark, whose span count must match. Anything not as lib/traces/trace/span-binary-format.ts describes throws a
 * SpanStreamError before its frame reaches `onBatch`.
 */
export class SpanStreamDecoder {
  private pieces: Uint8Array[] = [];
  private buffered = 0;
  private started = false;
  private ended = false;
  private spans = 0;

  constructor(private readonly onBatch: (batch: SpanBatch) => void) {
    assertLittleEndian();
  }

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.ended) damaged("bytes after its end");
    this.pieces.push(piece);
    this.buffered += piece.length;
    for (;;) {
      if (!this.started) {
        if (this.buffered < PREAMBLE_BYTES) return;
        const preamble = this.take(PREAMBLE_BYTES);
        if (SPAN_STREAM_MAGIC.some((b, i) => preamble[i] !== b)) throw new SpanStreamError("not a binary span stream");
        const version = new DataView(preamble.buffer).getUint32(4, true);
        if (version !== SPAN_STREAM_VERSION) throw new SpanStreamError(`span stream version ${version}; this page reads version ${SPAN_STREAM_VERSION}`);
        this.started = true;
      }
      if (this.buffered < 4) return;
      const length = new DataView(this.peek(4).buffer).getUint32(0, true);
      if (length > MAX_FRAME_BYTES) damaged(`a frame of ${length} bytes`);
      if (length === 0) {
        if (this.buffered < 8) return;
        const spans = new DataView(this.take(8).buffer).getUint32(4, true);
        if (spans !== this.spans) damaged(`its end says ${spans} spans, its frames held ${this.spans}`);
        this.ended = true;
        if (this.buffered > 0) damaged("bytes after its end");
        return;
      }
      if (this.buffered < 4 + length) return;
      this.take(4);
      const batch = decodeFrame(this.take(length));
      this.spans += batch.n;
      this.onBatch(batch);
    }
  }

  end(): void {
    if (!this.ended) throw new SpanStreamError("the span stream ended early");
  }

  /** The next `n` bytes, copied into a buffer of their own (aligned for typed-array views). */
  private take(n: number): Uint8Array {
    const out = this.peek(n);
    let left = n;
    while (left > 0) {
      const first = this.pieces[0]!;
      if (first.length <= left) {
        this.pieces.shift();
        left -= first.length;
      } else {
        this.pieces[0] = first.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    return out;
  }

  private peek(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    for (const piece of this.pieces) {
      if (filled === n) break;
      const part = piece.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.length;
    }
    return out;
  }
}
