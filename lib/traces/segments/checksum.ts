import { createHash } from "node:crypto";

/**
 * The body's check value: the first 4 bytes of its SHA-256. Brotli has no checksum of its own,
 * and zlib.crc32 needs Node 20.15 where the project supports 20.9; hashing costs a few
 * milliseconds per megabyte, next to tens for the compression.
 */
export function checksum(body: Uint8Array): number {
  return createHash("sha256").update(body).digest().readUInt32BE(0);
}
