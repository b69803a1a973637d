import "server-only";
import {
  assertLittleEndian,
  FRAME_COUNT_FIELDS,
  FRAME_HEADER_BYTES,
  frameLayout,
  LINK_TARGET,
  MAX_FRAME_BYTES,
  PREAMBLE_BYTES,
  SPAN_STREAM_MAGIC,
  SPAN_STREAM_VERSION,
  type FrameCounts,
} from "./span-binary-format";

/** A span id as the rows' SQL spells it (16 hex digits) or as a segment holds it (a signed bigint). */
export type WireId = string | bigint;

/**
 * One frame of the binary span stream (lib/traces/trace/span-binary-format.ts), span by span into
 * columns sized for `capacity` spans; `finish` lays them out. Its input is what a SpanTuple
 * holds, so a span gives the same model in either form.
 */
export class SpanFrameWriter {
  private n = 0;
  private readonly ids: Uint8Array;
  private readonly parents: Uint8Array;
  private readonly idView: DataView;
  private readonly parentView: DataView;
  private readonly hasParent: Uint8Array;
  private readonly startUs: Float64Array;
  private readonly durationNs: Float64Array;
  private readonly service: Uint32Array;
  private readonly name: Uint32Array;
  private readonly kind: Uint8Array;
  private readonly status: Uint8Array;
  private readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  private readonly eventSpans: number[] = [];
  private readonly eventCounts: number[] = [];
  private readonly eventTimes: number[] = [];
  private readonly linkSpans: number[] = [];
  private readonly linkCounts: number[] = [];
  private readonly linkTargets: string[] = [];

  constructor(readonly capacity: number) {
    assertLittleEndian();
    this.ids = new Uint8Array(8 * capacity);
    this.parents = new Uint8Array(8 * capacity);
    this.idView = new DataView(this.ids.buffer);
    this.parentView = new DataView(this.parents.buffer);
    this.hasParent = new Uint8Array(capacity);
    this.startUs = new Float64Array(capacity);
    this.durationNs = new Float64Array(capacity);
    this.service = new Uint32Array(capacity);
    this.name = new Uint32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.status = new Uint8Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Adds a span; kind and status keep their low byte, as the model's Uint8Arrays do. Returns its index for `events`/`links`. */
  span(id: WireId, parent: WireId | null, startUs: number, durationNs: number, service: string, name: string, kind: number, status: number): number {
    const i = this.n;
    if (i >= this.capacity) throw new Error(`a frame holds at most ${this.capacity} spans`);
    writeId(this.ids, this.idView, 8 * i, id);
    if (parent !== null) {
      writeId(this.parents, this.parentView, 8 * i, parent);
      this.hasParent[i] = 1;
    }
    // + 0: JSON has no -0 (the NDJSON gives 0), so neither does this form.
    this.startUs[i] = startUs + 0;
    this.durationNs[i] = durationNs + 0;
    this.service[i] = this.string(service);
    this.name[i] = this.string(name);
    this.kind[i] = kind;
    this.status[i] = status;
    this.n++;
    return i;
  }

  /** The span's event times (ns since the trace's start; null for an event without one). */
  events(i: number, times: readonly (number | null)[]): void {
    if (times.length === 0) return;
    this.eventSpans.push(i);
    this.eventCounts.push(times.length);
    for (const t of times) this.eventTimes.push(t === null ? NaN : t + 0);
  }

  /** The span's link ids within the trace; only those that can name a span are kept (LINK_TARGET). */
  links(i: number, ids: readonly unknown[]): void {
    let kept = 0;
    for (const id of ids) {
      if (typeof id !== "string" || !LINK_TARGET.test(id)) continue;
      this.linkTargets.push(id);
      kept++;
    }
    if (kept === 0) return;
    this.linkSpans.push(i);
    this.linkCounts.push(kept);
  }

  /** The frame as it goes on the wire: its u32 length, then its payload. */
  finish(): Uint8Array {
    const encoded = this.strings.map((s) => Buffer.from(s, "utf8"));
    const c: FrameCounts = {
      n: this.n,
      strings: this.strings.length,
      stringBytes: encoded.reduce((sum, b) => sum + b.length, 0),
      eventSpans: this.eventSpans.length,
      eventTimes: this.eventTimes.length,
      linkSpans: this.linkSpans.length,
      linkTargets: this.linkTargets.length,
    };
    const at = frameLayout(c);
    if (at.total > MAX_FRAME_BYTES) throw new Error(`a frame of ${at.total} bytes is past the format's ${MAX_FRAME_BYTES}`);
    // The payload starts 8 bytes in, so its sections are aligned; its length goes just before it.
    const buffer = new ArrayBuffer(8 + at.total);
    new DataView(buffer).setUint32(4, at.total, true);
    const base = 8;
    const n = this.n;
    new Uint32Array(buffer, base, FRAME_HEADER_BYTES / 4).set(FRAME_COUNT_FIELDS.map((f) => c[f]));
    new Float64Array(buffer, base + at.startUs, n).set(this.startUs.subarray(0, n));
    new Float64Array(buffer, base + at.durationNs, n).set(this.durationNs.subarray(0, n));
    new Float64Array(buffer, base + at.eventTime, c.eventTimes).set(this.eventTimes);
    new Uint32Array(buffer, base + at.service, n).set(this.service.subarray(0, n));
    new Uint32Array(buffer, base + at.name, n).set(this.name.subarray(0, n));
    new Uint32Array(buffer, base + at.stringLength, c.strings).set(encoded.map((b) => b.length));
    new Uint32Array(buffer, base + at.eventSpan, c.eventSpans).set(this.eventSpans);
    new Uint32Array(buffer, base + at.eventCount, c.eventSpans).set(this.eventCounts);
    new Uint32Array(buffer, base + at.linkSpan, c.linkSpans).set(this.linkSpans);
    new Uint32Array(buffer, base + at.linkCount, c.linkSpans).set(this.linkCounts);
    const bytes = new Uint8Array(buffer);
    bytes.set(this.ids.subarray(0, 8 * n), base + at.id);
    bytes.set(this.parents.subarray(0, 8 * n), base + at.parent);
    bytes.set(this.hasParent.subarray(0, n), base + at.hasParent);
    bytes.set(this.kind.subarray(0, n), base + at.kind);
    bytes.set(this.status.subarray(0, n), base + at.status);
    const targets = Buffer.from(this.linkTargets.join(""), "hex");
    bytes.set(targets, base + at.linkTarget);
    let offset = base + at.strings;
    for (const b of encoded) {
      bytes.set(b, offset);
      offset += b.length;
    }
    return bytes.subarray(4);
  }

  private string(value: string): number {
    let k = this.stringIndex.get(value);
    if (k === undefined) {
      k = this.strings.length;
      this.strings.push(value);
      this.stringIndex.set(value, k);
    }
    return k;
  }
}

function writeId(bytes: Uint8Array, view: DataView, at: number, id: WireId): void {
  if (typeof id === "bigint") view.setBigUint64(at, BigInt.asUintN(64, id), false);
  else if (!LINK_TARGET.test(id) || Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(id, at, 8, "hex") !== 8) {
    throw new Error(`not a 16-hex span id: ${JSON.stringify(id)}`);
  }
}

/** The stream's first bytes (lib/traces/trace/span-binary-format.ts). */
export function streamPreamble(): Uint8Array {
  const bytes = new Uint8Array(PREAMBLE_BYTES);
  bytes.set(SPAN_STREAM_MAGIC);
  new DataView(bytes.buffer).setUint32(4, SPAN_STREAM_VERSION, true);
  return bytes;
}

/** The stream's last bytes: the end mark with the number of spans its frames held. */
export function streamEnd(spans: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(4, spans, true);
  return bytes;
}
