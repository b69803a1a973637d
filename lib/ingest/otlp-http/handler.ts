import { KeyAuthenticator, type KeyCheck } from "./authenticate";
import { IngestAdmission } from "./admission";
import { BodyBufferFullError, BodyTimeoutError, BodyTooLargeError, gunzipBounded, readBody } from "./body";
import { DecodeError } from "./common";
import { defaultIngestConfig, type IngestConfig } from "./config";
import { describeDatabaseError, isTransientDatabaseError } from "@/db/errors";
import { encodingOf, exportResponseBody, otlpResponse, RpcCode, statusBody, type Encoding } from "./response";
import { TooManyRecordsError, type IngestLog, type OtlpSignal, type PreparedExport, type SignalDeps, type SignalFactory } from "./signal";

export interface IngestHandlerOptions {
  sql: SignalDeps["sql"];
  config?: IngestConfig;
  log?: IngestLog;
  now?: () => Date;
}

export type IngestHandler = (request: Request) => Promise<Response>;

const EMPTY: PreparedExport = { total: 0, warnings: [], write: () => Promise.resolve({ rejected: 0, refusal: "" }) };

const consoleLog: IngestLog = {
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

/**
 * OTLP/HTTP as a function of a Web Request, for the signals it is given by path: POST to a signal's
 * path with a protobuf or JSON body, gzip or not; any other method there is 405, any other path
 * 404. authenticate → admit → read the body → the signal decodes, validates and stores, with
 * the status codes and bodies the OTLP specification prescribes. The signals share the key
 * cache, the write slots and the buffer budget: one database behind them all.
 */
export function createOtlpHandler(options: IngestHandlerOptions, signals: ReadonlyMap<string, SignalFactory>): IngestHandler {
  const config = options.config ?? defaultIngestConfig;
  const log = options.log ?? consoleLog;
  const now = options.now ?? (() => new Date());
  const deps: SignalDeps = { sql: options.sql, config, log };
  const byPath = new Map<string, OtlpSignal>([...signals].map(([path, create]) => [path, create(deps)]));
  const paths = [...byPath.keys()].map((p) => `POST ${p}`).join(", ");
  const { maxBodyBytes } = config.limits;
  const admission = new IngestAdmission({
    maxConcurrent: config.maxConcurrent,
    maxAdmitted: config.maxConcurrent + config.maxQueued,
    maxAdmittedPerSource: config.maxPerSource,
    maxBufferedBytes: config.maxBufferedBytes,
    maxBufferedBytesPerSource: Math.min(config.maxBufferedBytes, Math.max(maxBodyBytes, Math.floor(config.maxBufferedBytes / 2))),
  });
  const keys = new KeyAuthenticator(options.sql, {
    cacheMs: config.keyCacheMs,
    touchEveryMs: config.keyTouchEveryMs,
    onTouchError: (error) => log.warn({ error: describeDatabaseError(error) }, "ingest: could not record a key's last use"),
  });

  const fail = (encoding: Encoding, status: number, code: number, message: string, headers?: Record<string, string>) =>
    otlpResponse(status, encoding, statusBody(encoding, code, message), headers);
  const overloaded = (encoding: Encoding, message: string) =>
    fail(encoding, 429, RpcCode.RESOURCE_EXHAUSTED, message, { "retry-after": String(config.overloadedRetryAfterSeconds) });
  const unavailable = (signal: OtlpSignal, encoding: Encoding, error: unknown) => {
    log.warn({ error: describeDatabaseError(error) }, "ingest: database unavailable");
    return fail(encoding, 503, RpcCode.UNAVAILABLE, signal.unavailableMessage, {
      "retry-after": String(config.unavailableRetryAfterSeconds),
    });
  };

  /**
   * The body as records to store, or the response refusing it. A function of its own, so the
   * decoded messages are garbage once it returns, not kept alive (and promoted to the old
   * generation) for as long as the database write takes.
   */
  async function prepare(signal: OtlpSignal, raw: Buffer, encoding: Encoding, gzip: boolean): Promise<PreparedExport | Response> {
    try {
      const body = gzip ? await gunzipBounded(raw, maxBodyBytes) : raw;
      // An empty body is the empty request, in either encoding.
      if (body.length === 0) return EMPTY;
      return signal.prepare(body, encoding);
    } catch (error) {
      if (error instanceof BodyTooLargeError || error instanceof TooManyRecordsError) return fail(encoding, 413, RpcCode.INVALID_ARGUMENT, error.message);
      if (error instanceof DecodeError) return fail(encoding, 400, RpcCode.INVALID_ARGUMENT, error.message);
      throw error;
    }
  }

  /** The raw body, read within its deadlines into the admitted request's buffer budget, or the refusal. */
  async function receive(request: Request, encoding: Encoding, reserve: (bytes: number) => boolean): Promise<Buffer | Response> {
    try {
      return await readBody(request, { maxBytes: maxBodyBytes, idleMs: config.bodyIdleTimeoutMs, totalMs: config.bodyTimeoutMs, reserve });
    } catch (error) {
      if (error instanceof BodyTooLargeError) return fail(encoding, 413, RpcCode.INVALID_ARGUMENT, error.message);
      // The rest of a late body is not worth reading: the connection closes after the answer.
      if (error instanceof BodyTimeoutError) return fail(encoding, 408, RpcCode.DEADLINE_EXCEEDED, error.message, { connection: "close" });
      if (error instanceof BodyBufferFullError) return overloaded(encoding, error.message);
      if (error instanceof DecodeError) return fail(encoding, 400, RpcCode.INVALID_ARGUMENT, error.message);
      throw error;
    }
  }

  return async function handle(request: Request): Promise<Response> {
    const signal = byPath.get(new URL(request.url).pathname);
    if (!signal) return Response.json({ code: RpcCode.NOT_FOUND, message: `Not found: this port serves ${paths} only.` }, { status: 404 });
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });

    const declared = encodingOf(request.headers.get("content-type"));
    // An unsupported type cannot be answered in its own encoding; JSON is readable anywhere.
    const encoding: Encoding = declared ?? "json";

    let auth: KeyCheck;
    try {
      auth = await keys.check(request.headers.get("authorization"));
    } catch (error) {
      if (isTransientDatabaseError(error)) return unavailable(signal, encoding, error);
      throw error;
    }
    if (!auth.ok) {
      return fail(encoding, auth.status, auth.status === 401 ? RpcCode.UNAUTHENTICATED : RpcCode.PERMISSION_DENIED, auth.message, {
        ...(auth.status === 401 ? { "www-authenticate": 'Bearer realm="otlp"' } : {}),
      });
    }
    if (!declared) {
      return fail("json", 415, RpcCode.INVALID_ARGUMENT, "Unsupported Content-Type: send application/x-protobuf or application/json.");
    }
    const contentEncoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
    if (contentEncoding !== "identity" && contentEncoding !== "gzip") {
      return fail(encoding, 415, RpcCode.INVALID_ARGUMENT, `Unsupported Content-Encoding "${contentEncoding}": send gzip or no encoding.`);
    }

    // Admitted before the body is read, which then holds no write slot: a slow body only
    // spends its source's share of admissions and buffer bytes, and only until its deadline.
    const admitted = admission.tryAdmit(auth.key.tenantId === null ? `key:${auth.key.keyId}` : `tenant:${auth.key.tenantId}`);
    if (!admitted) return overloaded(encoding, "Too many concurrent exports; retry later.");
    try {
      let raw: Buffer | Response | undefined = await receive(request, encoding, admitted.reserve);
      if (raw instanceof Response) return raw;
      await admitted.slot();
      const prepared = await prepare(signal, raw, encoding, contentEncoding === "gzip");
      // Not kept alive for as long as the write takes.
      raw = undefined;
      if (prepared instanceof Response) return prepared;
      const { total, warnings } = prepared;
      const answer = (rejected: number, messages: string[]) =>
        otlpResponse(200, encoding, exportResponseBody(encoding, messages.length > 0 ? { field: signal.rejectedField, rejected, errorMessage: messages.join(" ") } : undefined));
      if (total === 0) return answer(0, warnings);

      let result;
      try {
        result = await prepared.write(auth.key, now());
      } catch (error) {
        if (isTransientDatabaseError(error)) return unavailable(signal, encoding, error);
        log.error({ error: describeDatabaseError(error), keyId: auth.key.keyId }, signal.writeFailedLog);
        return fail(encoding, 500, RpcCode.INTERNAL, signal.writeFailedMessage);
      }
      return answer(result.rejected, result.rejected === 0 ? warnings : [result.refusal, ...warnings]);
    } finally {
      admitted.release();
    }
  };
}
