/**
 * The byte layer of the segment format: growable buffers of varints (LEB128, signed ones
 * zigzag-coded) and fixed-width values, and a reader that checks every bound, so a damaged
 * segment fails with a SegmentError instead of reading past its end or yielding made-up values.
 */

/** A segment that cannot be read: damaged, truncated, of an unknown version, or not a segment. */
export class SegmentError extends Error {
  override readonly name = "SegmentError";
}

/** Magnitudes up to 2^52 zigzag into a safe integer, so the common case stays off bigint. */
const FAST_LIMIT = 2 ** 52;
const FAST_LIMIT_BIG = BigInt(FAST_LIMIT);
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/** A zigzag-coded delta of two int64s needs 65 bits: ten 7-bit groups. */
const MAX_VARINT_BYTES = 10;

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** An unsigned integer up to 2^53. */
  uint(n: number): void {
    this.reserve(8);
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  /** A signed safe integer, zigzag-coded. */
  int(n: number): void {
    if (n > -FAST_LIMIT && n < FAST_LIMIT) this.uint(n >= 0 ? n * 2 : -n * 2 - 1);
    else this.bigint(BigInt(n));
  }

  /** A signed integer of any size (deltas of int64s need 65 bits), zigzag-coded. */
  bigint(n: bigint): void {
    if (n > -FAST_LIMIT_BIG && n < FAST_LIMIT_BIG) return this.uint(n >= 0n ? Number(n) * 2 : -Number(n) * 2 - 1);
    let z = n >= 0n ? n * 2n : -n * 2n - 1n;
    this.reserve(MAX_VARINT_BYTES);
    while (z >= 0x80n) {
      this.buf[this.length++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.length++] = Number(z);
  }

  int64(n: bigint): void {
    this.reserve(8);
    this.view.setBigInt64(this.length, n);
    this.length += 8;
  }

  float64(d: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, d);
    this.length += 8;
  }

  uint32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, n);
    this.length += 4;
  }

  /** A length-prefixed UTF-8 string. Callers check it is well formed (UTF-8 cannot hold a lone surrogate). */
  string(s: string): void {
    this.lengthPrefixed(utf8.encode(s));
  }

  lengthPrefixed(b: Uint8Array): void {
    this.uint(b.length);
    this.bytes(b);
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

export class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(
    private readonly buf: Uint8Array,
    /** What is being read, for the error message. */
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(problem: string): never {
    throw new SegmentError(`Damaged segment: ${this.what} ${problem} (at byte ${this.offset} of ${this.buf.length}).`);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) this.fail(`ends early`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  uint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (n > Number.MAX_SAFE_INTEGER) this.fail("holds a number past 2^53");
        return n;
      }
      scale *= 0x80;
    }
    return this.fail("holds a number past 2^53");
  }

  /** A uint that counts or indexes something: at most `max`. */
  count(max: number): number {
    const n = this.uint();
    if (n > max) this.fail(`holds ${n} where at most ${max} fit`);
    return n;
  }

  /** A zigzag varint of up to 7 bytes (49 bits) as a number, or undefined (nothing read) for a longer one. */
  private short(): number | undefined {
    const start = this.offset;
    let z = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const b = this.byte();
      z += (b & 0x7f) * scale;
      if (b < 0x80) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      scale *= 0x80;
    }
    this.offset = start;
    return undefined;
  }

  int(): number {
    const n = this.short();
    if (n !== undefined) return n;
    const big = this.bigint();
    if (big < -MAX_SAFE_BIG || big > MAX_SAFE_BIG) this.fail("holds an integer past 2^53");
    return Number(big);
  }

  bigint(): bigint {
    const n = this.short();
    if (n !== undefined) return BigInt(n);
    let z = 0n;
    let shift = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      const b = this.byte();
      z |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) return z & 1n ? -(z >> 1n) - 1n : z >> 1n;
    }
    return this.fail("holds a varint longer than 10 bytes");
  }

  int64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.offset);
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.offset);
    this.offset += 8;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }

  string(): string {
    const b = this.bytes(this.uint());
    try {
      return strictUtf8.decode(b);
    } catch {
      return this.fail("holds a string that is not UTF-8");
    }
  }

  /** A length-prefixed sub-buffer, read by its own reader. */
  section(what: string): ByteReader {
    return new ByteReader(this.bytes(this.uint()), what);
  }

  /** Every byte must have been read: leftovers mean the segment is not what it claims. */
  end(): void {
    if (this.remaining > 0) this.fail(`has ${this.remaining} bytes left over`);
  }
}
