import { createHash, randomBytes } from "node:crypto";

/**
 * Ingest keys: `te_` and 32 random bytes in base64url. Only the SHA-256 of a key is stored (a
 * slow password hash buys nothing for 256 random bits), and the key is shown once, at creation.
 */
const KEY_PREFIX = "te_";
const KEY_BYTES = 32;
/** Characters of the key kept in clear, so an admin can tell keys apart. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 6;
const KEY_FORMAT = /^te_[A-Za-z0-9_-]{43}$/;

export function generateIngestKey(): string {
  return KEY_PREFIX + randomBytes(KEY_BYTES).toString("base64url");
}

/** The part of a key kept in clear so an admin can tell keys apart. */
export function ingestKeyPrefix(key: string): string {
  return key.slice(0, SHOWN_PREFIX_LENGTH);
}

export function hashIngestKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function looksLikeIngestKey(value: string): boolean {
  return KEY_FORMAT.test(value);
}
