import { gunzip } from "node:zlib";
import { DecodeError } from "./otlp";

/** The body, as sent or once decompressed, is over the limit (HTTP 413). */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  constructor(readonly limit: number, what: string) {
    super(`The ${what} is larger than the limit of ${limit} bytes; send smaller batches.`);
  }
}

/** The request body, refused as soon as it grows past `maxBytes`, whatever Content-Length said. */
export async function readBody(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw new BodyTooLargeError(maxBytes, "request body");
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The client went away or broke the stream mid-body.
      throw new DecodeError(`The request body could not be read: ${(error as Error).message}`);
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError(maxBytes, "request body");
    }
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
