/**
 * JSON values (the attributes, events and links columns) in a segment: a tags stream of one
 * byte per value and a data stream of what the tag needs (dictionary refs, counts, numbers).
 * Object keys keep their order, repeated keys and values cost one dictionary entry, and the
 * decimal strings OTLP values turn into (event times, ints past 2^53) are delta-coded numbers.
 */
import { ByteReader, ByteWriter } from "./bytes";
import { INT8, Tag } from "./format";

/** Deeper than any stored value (ingest refuses attribute values nested past 30 levels). */
export const MAX_JSON_DEPTH = 100;

const DECIMAL = /^(?:0|-?[1-9]\d{0,18})$/;

/** Strings of a segment, each stored once; columns hold their index. */
export class Dictionary {
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];

  ref(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      // UTF-8 cannot hold a lone surrogate: refuse it here rather than store a U+FFFD in its place.
      if (!s.isWellFormed()) throw new TypeError(`Cannot seal a string with a lone surrogate: ${JSON.stringify(s.slice(0, 80))}`);
      i = this.strings.length;
      this.index.set(s, i);
      this.strings.push(s);
    }
    return i;
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export class JsonWriter {
  readonly tags = new ByteWriter();
  readonly data = new ByteWriter();
  private previousDecimal = 0n;

  constructor(
    private readonly dictionary: Dictionary,
    /** The column, for error messages. */
    private readonly column: string,
  ) {}

  value(v: unknown, depth = 0): void {
    if (depth > MAX_JSON_DEPTH) throw new TypeError(`${this.column} nests deeper than ${MAX_JSON_DEPTH} levels`);
    switch (typeof v) {
      case "string":
        return this.string(v);
      case "boolean":
        return this.tags.byte(v ? Tag.true : Tag.false);
      case "number":
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
          this.tags.byte(Tag.int);
          return this.data.int(v);
        }
        this.tags.byte(Tag.float);
        return this.data.float64(v);
      case "object":
        if (v === null) return this.tags.byte(Tag.null);
        if (Array.isArray(v)) return this.array(v, depth);
        if (isPlainObject(v)) return this.object(v as Record<string, unknown>, depth);
    }
    throw new TypeError(`${this.column} holds a value JSON cannot: ${describe(v)}`);
  }

  private string(s: string): void {
    if (DECIMAL.test(s)) {
      const n = BigInt(s);
      if (n >= INT8.min && n <= INT8.max) {
        this.tags.byte(Tag.decimal);
        this.data.bigint(n - this.previousDecimal);
        this.previousDecimal = n;
        return;
      }
    }
    this.tags.byte(Tag.string);
    this.data.uint(this.dictionary.ref(s));
  }

  private array(values: unknown[], depth: number): void {
    this.tags.byte(Tag.array);
    this.data.uint(values.length);
    // A for loop, not forEach: a hole must reach value() as undefined and be refused.
    for (let i = 0; i < values.length; i++) this.value(values[i], depth + 1);
  }

  private object(o: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(o);
    this.tags.byte(Tag.object);
    this.data.uint(keys.length);
    for (const key of keys) {
      this.data.uint(this.dictionary.ref(key));
      this.value(o[key], depth + 1);
    }
  }
}

function describe(v: unknown): string {
  if (typeof v === "object" && v !== null) return `an instance of ${(v.constructor as { name?: string } | undefined)?.name ?? "a class"}`;
  return typeof v;
}

/** Sets a key as JSON.parse does: `__proto__` becomes an own property, not the prototype. */
function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

export class JsonReader {
  private previousDecimal = 0n;

  constructor(
    private readonly tags: ByteReader,
    private readonly data: ByteReader,
    private readonly strings: readonly string[],
  ) {}

  private string(): string {
    return this.strings[this.data.count(this.strings.length - 1)]!;
  }

  value(depth = 0): unknown {
    if (depth > MAX_JSON_DEPTH) this.tags.fail(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    const tag = this.tags.byte();
    switch (tag) {
      case Tag.null:
        return null;
      case Tag.false:
        return false;
      case Tag.true:
        return true;
      case Tag.int:
        return this.data.int();
      case Tag.float:
        return this.data.float64();
      case Tag.string:
        return this.string();
      case Tag.decimal: {
        const n = this.previousDecimal + this.data.bigint();
        if (n < INT8.min || n > INT8.max) this.data.fail("holds a decimal past int64");
        this.previousDecimal = n;
        return n.toString();
      }
      case Tag.array: {
        // Every element has a tag: a count past the tags left is damage, not a huge array to allocate.
        const n = this.data.count(this.tags.remaining);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value(depth + 1);
        return out;
      }
      case Tag.object: {
        const n = this.data.count(this.tags.remaining);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = this.string();
          if (Object.hasOwn(out, key)) this.data.fail(`repeats the key ${JSON.stringify(key)}`);
          setKey(out, key, this.value(depth + 1));
        }
        return out;
      }
      default:
        return this.tags.fail(`holds unknown tag ${tag}`);
    }
  }
}
