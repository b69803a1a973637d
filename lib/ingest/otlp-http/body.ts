import { gunzip } from "node:zlib";
import { DecodeError } from "./common";

/** The body, as sent or once decompressed, is over the limit (HTTP 413). */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  constructor(readonly limit: number, what: string) {
    super(`The ${what} is larger than the limit of ${limit} bytes; send smaller batches.`);
  }
}

/** The body did not arrive in time (HTTP 408); nothing of it is kept. */
export class BodyTimeoutError extends Error {
  override readonly name = "BodyTimeoutError";
}

/** Keeping more of the body would pass the buffer budget (HTTP 429). */
export class BodyBufferFullError extends Error {
  override readonly name = "BodyBufferFullError";
}

export interface BodyReadOptions {
  maxBytes: number;
  /** The longest wait for the next bytes. */
  idleMs: number;
  /** The longest the whole body may take, however steadily it drips. */
  totalMs: number;
  /** Accounts each chunk against a buffer budget; false refuses the body. */
  reserve: (bytes: number) => boolean;
}

/**
 * The request body, refused as soon as it grows past `maxBytes` (whatever Content-Length said),
 * stalls for `idleMs`, takes longer than `totalMs` in all, or would pass the buffer budget.
 */
export async function readBody(request: Request, options: BodyReadOptions): Promise<Buffer> {
  const { maxBytes } = options;
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw new BodyTooLargeError(maxBytes, "request body");
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = Date.now() + options.totalMs;
  const reader = request.body.getReader();
  const refuse = async (error: Error): Promise<never> => {
    await reader.cancel().catch(() => {});
    throw error;
  };
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array> | "late";
    let timer: NodeJS.Timeout | undefined;
    try {
      chunk = await Promise.race([
        reader.read(),
        new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), Math.max(0, Math.min(options.idleMs, deadline - Date.now()))))),
      ]);
    } catch (error) {
      // The client went away or broke the stream mid-body.
      throw new DecodeError(`The request body could not be read: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    if (chunk === "late") {
      const total = Date.now() >= deadline;
      return refuse(
        new BodyTimeoutError(
          total
            ? `The request body took longer than ${options.totalMs / 1000} s; nothing was stored. Send it faster or in smaller batches.`
            : `No part of the request body arrived for ${options.idleMs / 1000} s; nothing was stored.`,
        ),
      );
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) return refuse(new BodyTooLargeError(maxBytes, "request body"));
    if (!options.reserve(value.byteLength)) return refuse(new BodyBufferFullError("The server holds as many request bodies as it may; retry later."));
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Gunzips with a cap on the output: inflation stops at `maxBytes`, so a small "gzip bomb"
 * cannot make the server allocate gigabytes.
 */
export function gunzipBounded(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (error, out) => {
      if (!error) resolve(out);
      else if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") reject(new BodyTooLargeError(maxBytes, "decompressed body"));
      else reject(new DecodeError(`The body is not valid gzip: ${error.message}`));
    });
  });
}
