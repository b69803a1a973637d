import type { SpanEvent, SpanLink } from "@/db/schema";
import { ByteReader, SegmentError } from "./bytes";
import { checksum } from "./checksum";
import { codecName, decompress } from "./compress";
import { JsonReader } from "./json-values";
import {
  FORMAT_VERSION,
  INT4,
  JSON_COLUMNS,
  MAGIC,
  NO_PARENT,
  NULL_REF,
  SECTIONS,
  SMALLINT,
  type CodecName,
  type JsonColumn,
  type Section,
  type SegmentSpan,
  type SegmentTrace,
} from "./format";

/** Bodies past this are refused before inflating: no trace's spans come near it. */
const MAX_BODY_BYTES = 2 ** 31 - 1;

/**
 * A segment's spans as columns, for readers that want arrays rather than row objects (the
 * binary waterfall). Strings are indexes into `strings`; -1 is NULL.
 */
export interface SegmentColumns {
  tenantId: string;
  traceId: string;
  count: number;
  strings: readonly string[];
  spanId: BigInt64Array;
  /** The parent's id where hasParent is 1. */
  parentSpanId: BigInt64Array;
  hasParent: Uint8Array;
  /** The parent's row in this segment (its first, if the id repeats); -1 for none or a parent outside it. */
  parentIndex: Int32Array;
  startUs: BigInt64Array;
  startSubUsNs: Uint16Array;
  durationNs: BigInt64Array;
  kind: Int16Array;
  statusCode: Int16Array;
  flags: Int32Array;
  droppedAttributesCount: Int32Array;
  droppedEventsCount: Int32Array;
  droppedLinksCount: Int32Array;
  service: Int32Array;
  name: Int32Array;
  requestId: Int32Array;
  traceState: Int32Array;
  statusMessage: Int32Array;
  resourceId: BigInt64Array;
  /** The scope's id where hasScope is 1. */
  scopeId: BigInt64Array;
  hasScope: Uint8Array;
  /** The JSON columns, one value per span; absent when decodeColumns was asked to skip them, and only those asked for when it was given a list. */
  json?: Partial<Record<JsonColumn, unknown[]>>;
}

export interface SegmentHeader {
  version: number;
  codec: CodecName;
  bodyLength: number;
}

function header(r: ByteReader): SegmentHeader & { check: number } {
  const magic = r.bytes(Math.min(MAGIC.length, r.remaining));
  if (magic.length < MAGIC.length || magic.some((b, i) => b !== MAGIC[i])) throw new SegmentError("Not a trace segment: the magic bytes are wrong.");
  const version = r.byte();
  if (version !== FORMAT_VERSION) throw new SegmentError(`Unsupported segment version ${version}: this build reads version ${FORMAT_VERSION}.`);
  const codec = codecName(r.byte());
  const bodyLength = r.uint();
  if (bodyLength > MAX_BODY_BYTES) r.fail(`claims a body of ${bodyLength} bytes`);
  return { version, codec, bodyLength, check: r.uint32() };
}

/** A decoded segment (columns or spans) of row `seq` of this trace, refused unless it names that trace: one stored under another would show that trace's spans. */
export function segmentOf<D extends { tenantId: string; traceId: string }>(decoded: D, tenantId: string, traceUuid: string, seq: number): D {
  if (decoded.tenantId !== tenantId || decoded.traceId !== traceUuid) throw new SegmentError(`Segment ${seq} of trace ${traceUuid} holds another trace's spans.`);
  return decoded;
}

/** The header alone: version, codec and body size, without decompressing anything. */
export function readSegmentHeader(segment: Uint8Array): SegmentHeader {
  const { version, codec, bodyLength } = header(new ByteReader(segment, "header"));
  return { version, codec, bodyLength };
}

function body(segment: Uint8Array): ByteReader {
  const r = new ByteReader(segment, "header");
  const h = header(r);
  // Length-prefixed: decompressors stop at their stream's end and would ignore bytes after it.
  const compressed = r.bytes(r.uint());
  r.end();
  const plain = decompress(h.codec, compressed, h.bodyLength);
  if (checksum(plain) !== h.check) throw new SegmentError("Damaged segment: its body does not match its checksum.");
  return new ByteReader(plain, "body");
}

function dictionary(r: ByteReader): string[] {
  const n = r.count(r.remaining);
  const lengths = Array.from({ length: n }, () => r.count(r.remaining));
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  return lengths.map((length) => {
    try {
      return decoder.decode(r.bytes(length));
    } catch (error) {
      if (error instanceof SegmentError) throw error;
      return r.fail("holds a string that is not UTF-8");
    }
  });
}

function ranged(r: ByteReader, range: { min: number; max: number }): number {
  const n = r.int();
  if (n < range.min || n > range.max) r.fail(`holds ${n}, outside ${range.min}..${range.max}`);
  return n;
}

/**
 * The segment's spans as columns; `{ json: false }` skips decoding attributes, events and links,
 * and a list of JSON columns decodes only those (the binary span stream wants events and links,
 * not the attributes that are most of the JSON).
 */
export function decodeColumns(segment: Uint8Array, options: { json?: boolean | readonly JsonColumn[] } = {}): SegmentColumns {
  const b = body(segment);
  const tenantId = b.string();
  const traceId = Buffer.from(b.bytes(16)).toString("hex").replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");
  // Every span takes at least a byte in each of several sections: a count past the body's size is damage.
  const count = b.count(b.remaining);
  const sec = Object.fromEntries(SECTIONS.map((s) => [s, b.section(s)])) as Record<Section, ByteReader>;
  b.end();
  const strings = dictionary(sec.dictionary);
  const stringRef = (r: ByteReader) => r.count(strings.length - 1);
  const nullableRef = (r: ByteReader) => r.count(strings.length) - 1;
  const tableSize = sec.bigintTable.count(sec.bigintTable.remaining / 8);
  const table = Array.from({ length: tableSize }, () => sec.bigintTable.int64());

  const c: SegmentColumns = {
    tenantId,
    traceId,
    count,
    strings,
    spanId: new BigInt64Array(count),
    parentSpanId: new BigInt64Array(count),
    hasParent: new Uint8Array(count),
    parentIndex: new Int32Array(count).fill(-1),
    startUs: new BigInt64Array(count),
    startSubUsNs: new Uint16Array(count),
    durationNs: new BigInt64Array(count),
    kind: new Int16Array(count),
    statusCode: new Int16Array(count),
    flags: new Int32Array(count),
    droppedAttributesCount: new Int32Array(count),
    droppedEventsCount: new Int32Array(count),
    droppedLinksCount: new Int32Array(count),
    service: new Int32Array(count),
    name: new Int32Array(count),
    requestId: new Int32Array(count),
    traceState: new Int32Array(count),
    statusMessage: new Int32Array(count),
    resourceId: new BigInt64Array(count),
    scopeId: new BigInt64Array(count),
    hasScope: new Uint8Array(count),
  };
  for (let i = 0; i < count; i++) c.spanId[i] = sec.spanId.int64();
  let start = 0n;
  const int8 = (n: bigint, r: ByteReader) => (BigInt.asIntN(64, n) === n ? n : r.fail(`holds ${n}, past int64`));
  for (let i = 0; i < count; i++) {
    const parent = sec.parent.uint();
    if (parent !== NO_PARENT) {
      c.hasParent[i] = 1;
      if (parent <= count) {
        c.parentIndex[i] = parent - 1;
        c.parentSpanId[i] = c.spanId[parent - 1]!;
      } else c.parentSpanId[i] = sec.externalParent.int64();
    }
    start = int8(start + sec.startUs.bigint(), sec.startUs);
    c.startUs[i] = start;
    c.startSubUsNs[i] = ranged(sec.startSubUsNs, { min: 0, max: 999 });
    c.durationNs[i] = int8(sec.durationNs.bigint(), sec.durationNs);
    c.kind[i] = ranged(sec.kind, SMALLINT);
    c.statusCode[i] = ranged(sec.statusCode, SMALLINT);
    c.flags[i] = ranged(sec.flags, INT4);
    c.droppedAttributesCount[i] = ranged(sec.droppedCounts, INT4);
    c.droppedEventsCount[i] = ranged(sec.droppedCounts, INT4);
    c.droppedLinksCount[i] = ranged(sec.droppedCounts, INT4);
    c.service[i] = stringRef(sec.service);
    c.name[i] = stringRef(sec.name);
    c.requestId[i] = nullableRef(sec.requestId);
    c.traceState[i] = nullableRef(sec.traceState);
    c.statusMessage[i] = nullableRef(sec.statusMessage);
    c.resourceId[i] = table[sec.resourceId.count(tableSize - 1)]!;
    const scope = sec.scopeId.count(tableSize);
    if (scope !== NULL_REF) {
      c.hasScope[i] = 1;
      c.scopeId[i] = table[scope - 1]!;
    }
  }
  const wanted: readonly JsonColumn[] = options.json === false ? [] : options.json === true || options.json === undefined ? JSON_COLUMNS : options.json;
  if (wanted.length > 0) {
    const json: Partial<Record<JsonColumn, unknown[]>> = {};
    for (const column of wanted) {
      const reader = new JsonReader(sec[`${column}.tags`], sec[`${column}.data`], strings);
      json[column] = Array.from({ length: count }, () => reader.value());
    }
    c.json = json;
  }
  for (const s of SECTIONS) {
    const column = s.split(".")[0] as JsonColumn;
    if (s.includes(".") && !wanted.includes(column)) continue;
    sec[s].end();
  }
  return c;
}

function expect<T>(ok: (v: unknown) => boolean, v: unknown, what: string): T {
  if (!ok(v)) throw new SegmentError(`Damaged segment: a span's ${what} is not what the column holds.`);
  return v as T;
}

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

interface JsonColumnValue {
  attributes: Record<string, unknown>;
  events: SpanEvent[];
  links: SpanLink[];
}

const JSON_SHAPES = { attributes: isObject, events: Array.isArray, links: Array.isArray } as const;

/** Row i's value of a JSON column decodeColumns decoded, refused unless of the column's kind (an object, else an array), as decodeSegment refuses it. */
export function spanJson<C extends JsonColumn>(columns: SegmentColumns, column: C, i: number): JsonColumnValue[C] {
  return expect<JsonColumnValue[C]>(JSON_SHAPES[column], columns.json![column]![i], column);
}

/** The string a nullable string column's ref names: null for -1. */
export const stringAt = (columns: SegmentColumns, ref: number): string | null => (ref < 0 ? null : columns.strings[ref]!);

/** Row i of columns decoded with every JSON column, as a `spans` row. */
export function spanAt(c: SegmentColumns, i: number): SegmentSpan {
  return {
    spanId: c.spanId[i]!,
    parentSpanId: c.hasParent[i] ? c.parentSpanId[i]! : null,
    traceState: stringAt(c, c.traceState[i]!),
    requestId: stringAt(c, c.requestId[i]!),
    service: c.strings[c.service[i]!]!,
    name: c.strings[c.name[i]!]!,
    kind: c.kind[i]!,
    startUs: c.startUs[i]!,
    startSubUsNs: c.startSubUsNs[i]!,
    durationNs: c.durationNs[i]!,
    statusCode: c.statusCode[i]!,
    statusMessage: stringAt(c, c.statusMessage[i]!),
    attributes: spanJson(c, "attributes", i),
    events: spanJson(c, "events", i),
    links: spanJson(c, "links", i),
    resourceId: c.resourceId[i]!,
    scopeId: c.hasScope[i] ? c.scopeId[i]! : null,
    flags: c.flags[i]!,
    droppedAttributesCount: c.droppedAttributesCount[i]!,
    droppedEventsCount: c.droppedEventsCount[i]!,
    droppedLinksCount: c.droppedLinksCount[i]!,
  };
}

/** The segment's spans as `spans` rows, in the order they were encoded. */
export function decodeSegment(segment: Uint8Array): SegmentTrace {
  const c = decodeColumns(segment);
  return { tenantId: c.tenantId, traceId: c.traceId, spans: Array.from({ length: c.count }, (_, i) => spanAt(c, i)) };
}
