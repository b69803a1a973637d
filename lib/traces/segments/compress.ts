/**
 * The general-purpose codec over a segment's column sections. Node 20's zlib has gzip and
 * brotli (zstd came in Node 22.15); `npm run bench -- storage` measures both at several levels
 * on the demo and a realistic span mix (BENCHMARKS.md, "Storage"), which chose brotli.
 */
import zlib from "node:zlib";
import { SegmentError } from "./bytes";
import { CODECS, type CodecName } from "./format";

export interface Compression {
  codec: CodecName;
  /** gzip 1-9, brotli 0-11; ignored for "none". */
  level?: number;
}

/**
 * Brotli at quality 9 (bench/storage.ts): 1 % fewer bytes than quality 6 for a quarter to a
 * half more encoding time, 6-9 % fewer than gzip; quality 11 saves 8-10 % more but encodes
 * 10-20 times slower (0.4-1.5 ms a span), too slow for a sealer keeping up with ingest.
 */
export const DEFAULT_COMPRESSION: Compression = { codec: "brotli", level: 9 };

const windowBits = (length: number) => Math.min(Math.max(Math.ceil(Math.log2(length + 1)), zlib.constants.BROTLI_MIN_WINDOW_BITS), 24);

export function compress(body: Uint8Array, { codec, level }: Compression): Uint8Array {
  switch (codec) {
    case "none":
      return body;
    case "gzip":
      return zlib.gzipSync(body, { level: level ?? 6 });
    case "brotli":
      return zlib.brotliCompressSync(body, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: level ?? 9,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          // A window no larger than the body: most traces are a few kilobytes, and a 4 MB window's tables cost more than compressing them.
          [zlib.constants.BROTLI_PARAM_LGWIN]: windowBits(body.length),
        },
      });
  }
}

export function codecName(id: number): CodecName {
  const name = (Object.keys(CODECS) as CodecName[]).find((n) => CODECS[n] === id);
  if (name === undefined) throw new SegmentError(`Damaged segment: unknown codec ${id}.`);
  return name;
}

/** The body, which the header says is `length` bytes: anything that would inflate past it is refused. */
export function decompress(codec: CodecName, compressed: Uint8Array, length: number): Uint8Array {
  let body: Uint8Array;
  try {
    // One byte of room, so a body longer than the header says is seen as such, not cut to fit.
    const options = { maxOutputLength: Math.max(length + 1, 1) };
    body = codec === "none" ? compressed : codec === "gzip" ? zlib.gunzipSync(compressed, options) : zlib.brotliDecompressSync(compressed, options);
  } catch (error) {
    throw new SegmentError(`Damaged segment: its ${codec} body does not decompress (${(error as Error).message}).`, { cause: error });
  }
  if (body.length !== length) throw new SegmentError(`Damaged segment: its body is ${body.length} bytes, the header says ${length}.`);
  return body;
}
