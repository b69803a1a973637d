import { ByteWriter } from "./bytes";
import { checksum } from "./checksum";
import { compress, DEFAULT_COMPRESSION, type Compression } from "./compress";
import { Dictionary, JsonWriter } from "./json-values";
import {
  CODECS,
  FORMAT_VERSION,
  INT4,
  INT8,
  JSON_COLUMNS,
  MAGIC,
  NO_PARENT,
  NULL_REF,
  SECTIONS,
  SMALLINT,
  type Section,
  type SegmentSpan,
  type SegmentTrace,
} from "./format";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A row the columns cannot hold as it is refused, never narrowed: sealing must not alter a span. */
function check(ok: boolean, row: number, what: string, value: unknown): void {
  if (!ok) throw new RangeError(`Cannot seal span ${row}: ${what} is out of its column's range (${String(value)}).`);
}

const isInt = (n: number, range: { min: number; max: number }) => Number.isInteger(n) && n >= range.min && n <= range.max;
const isInt8 = (n: bigint) => typeof n === "bigint" && n >= INT8.min && n <= INT8.max;

function checkSpan(s: SegmentSpan, row: number): void {
  check(isInt8(s.spanId), row, "span_id", s.spanId);
  check(s.parentSpanId === null || isInt8(s.parentSpanId), row, "parent_span_id", s.parentSpanId);
  check(isInt8(s.startUs), row, "start_time", s.startUs);
  check(isInt(s.startSubUsNs, { min: 0, max: 999 }), row, "start_sub_us_ns", s.startSubUsNs);
  check(isInt8(s.durationNs), row, "duration_ns", s.durationNs);
  check(isInt(s.kind, SMALLINT), row, "kind", s.kind);
  check(isInt(s.statusCode, SMALLINT), row, "status_code", s.statusCode);
  check(isInt(s.flags, INT4), row, "flags", s.flags);
  for (const [what, n] of [
    ["dropped_attributes_count", s.droppedAttributesCount],
    ["dropped_events_count", s.droppedEventsCount],
    ["dropped_links_count", s.droppedLinksCount],
  ] as const) {
    check(isInt(n, INT4), row, what, n);
  }
  check(isInt8(s.resourceId), row, "resource_id", s.resourceId);
  check(s.scopeId === null || isInt8(s.scopeId), row, "scope_id", s.scopeId);
  // The JSON columns' shapes, as decodeSegment checks them: each column holds its own kind of value.
  const attributes = s.attributes as unknown;
  check(typeof attributes === "object" && attributes !== null && !Array.isArray(attributes), row, "attributes", "not an object");
  check(Array.isArray(s.events), row, "events", "not an array");
  check(Array.isArray(s.links), row, "links", "not an array");
}

/** Distinct bigints (resource and scope ids: a handful per trace), each stored once. */
class BigintTable {
  private readonly index = new Map<bigint, number>();
  readonly values: bigint[] = [];

  ref(n: bigint): number {
    let i = this.index.get(n);
    if (i === undefined) {
      i = this.values.length;
      this.index.set(n, i);
      this.values.push(n);
    }
    return i;
  }
}

function dictionarySection(strings: readonly string[]): Uint8Array {
  const out = new ByteWriter();
  const encoded = strings.map((s) => Buffer.from(s, "utf8"));
  out.uint(encoded.length);
  // Lengths apart from the text, so the compressor sees the strings back to back.
  for (const b of encoded) out.uint(b.length);
  for (const b of encoded) out.bytes(b);
  // A copy: the writer's buffer is larger than what it holds.
  return out.finish().slice();
}

/** The trace's spans as one segment, in their order; decodeSegment gives them back exactly. */
export function encodeSegment(trace: SegmentTrace, compression: Compression = DEFAULT_COMPRESSION): Uint8Array {
  if (!UUID.test(trace.traceId)) throw new TypeError(`Cannot seal trace ${JSON.stringify(trace.traceId)}: not a lowercase uuid.`);
  if (!trace.tenantId.isWellFormed()) throw new TypeError("Cannot seal a tenant id with a lone surrogate.");
  const { spans } = trace;
  const col = Object.fromEntries(SECTIONS.map((s) => [s, new ByteWriter()])) as Record<Section, ByteWriter>;
  const dictionary = new Dictionary();
  const bigints = new BigintTable();
  const json = Object.fromEntries(JSON_COLUMNS.map((c) => [c, new JsonWriter(dictionary, c)]));

  const indexOf = new Map<bigint, number>();
  spans.forEach((s, i) => {
    checkSpan(s, i);
    if (!indexOf.has(s.spanId)) indexOf.set(s.spanId, i);
  });

  const nullable = (w: ByteWriter, s: string | null) => w.uint(s === null ? NULL_REF : dictionary.ref(s) + 1);
  let externalParents = 0;
  let previousStart = 0n;
  for (const s of spans) {
    col.spanId.int64(s.spanId);
    const parent = s.parentSpanId === null ? undefined : indexOf.get(s.parentSpanId);
    if (s.parentSpanId === null) col.parent.uint(NO_PARENT);
    else if (parent !== undefined) col.parent.uint(parent + 1);
    else {
      col.parent.uint(spans.length + 1 + externalParents++);
      col.externalParent.int64(s.parentSpanId);
    }
    col.startUs.bigint(s.startUs - previousStart);
    previousStart = s.startUs;
    col.startSubUsNs.int(s.startSubUsNs);
    col.durationNs.bigint(s.durationNs);
    col.kind.int(s.kind);
    col.statusCode.int(s.statusCode);
    col.flags.int(s.flags);
    col.droppedCounts.int(s.droppedAttributesCount);
    col.droppedCounts.int(s.droppedEventsCount);
    col.droppedCounts.int(s.droppedLinksCount);
    col.service.uint(dictionary.ref(s.service));
    col.name.uint(dictionary.ref(s.name));
    nullable(col.requestId, s.requestId);
    nullable(col.traceState, s.traceState);
    nullable(col.statusMessage, s.statusMessage);
    col.resourceId.uint(bigints.ref(s.resourceId));
    col.scopeId.uint(s.scopeId === null ? NULL_REF : bigints.ref(s.scopeId) + 1);
    json.attributes!.value(s.attributes);
    json.events!.value(s.events);
    json.links!.value(s.links);
  }
  col.bigintTable.uint(bigints.values.length);
  for (const n of bigints.values) col.bigintTable.int64(n);
  for (const c of JSON_COLUMNS) {
    col[`${c}.tags`] = json[c]!.tags;
    col[`${c}.data`] = json[c]!.data;
  }
  col.dictionary.bytes(dictionarySection(dictionary.strings));

  const body = new ByteWriter();
  body.string(trace.tenantId);
  body.bytes(Buffer.from(trace.traceId.replaceAll("-", ""), "hex"));
  body.uint(spans.length);
  for (const s of SECTIONS) body.lengthPrefixed(col[s].finish());
  const plain = body.finish();

  const out = new ByteWriter();
  out.bytes(MAGIC);
  out.byte(FORMAT_VERSION);
  out.byte(CODECS[compression.codec]);
  out.uint(plain.length);
  out.uint32(checksum(plain));
  out.lengthPrefixed(compress(plain, compression));
  // A copy: the writer's buffer is larger than what it holds.
  return out.finish().slice();
}
