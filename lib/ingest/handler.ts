import type { Sql } from "@/db/connect";
import { KeyAuthenticator, type KeyCheck } from "./authenticate";
import { IngestAdmission } from "./admission";
import { BodyBufferFullError, BodyTimeoutError, BodyTooLargeError, gunzipBounded, readBody } from "./body";
import { defaultIngestConfig, type IngestConfig } from "./config";
import { describeDatabaseError, isTransientDatabaseError } from "@/db/errors";
import { decodeJson } from "./decode-json";
import { decodeProtobuf } from "./decode-protobuf";
import { normalizeRequest, truncatedValues, type NormalizedEntry } from "./normalize";
import { DecodeError, spanCount, type OtlpRequest } from "./otlp";
import { Redactor } from "./redact";
import { refusalMessage } from "./refusals";
import { encodingOf, exportResponseBody, otlpResponse, RpcCode, statusBody, type Encoding } from "./response";
import { RollupFolder } from "./rollup-folder";
import { SpanStore } from "./store";

/** Where ingest reports what it could not do; values never appear, only codes and counts. */
export interface IngestLog {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface IngestHandlerOptions {
  sql: Sql;
  config?: IngestConfig;
  log?: IngestLog;
  now?: () => Date;
}

export type IngestHandler = (request: Request) => Promise<Response>;

interface Prepared {
  entries: NormalizedEntry[];
  total: number;
  /** Said in partial_success.errorMessage even when nothing was refused, as the specification allows. */
  warnings: string[];
  /** What the decoder said about the first span it could not read. */
  malformed?: string;
}

const NO_SPANS_JSON = "No resourceSpans found; OTLP/JSON field names are lowerCamelCase (resourceSpans, scopeSpans, startTimeUnixNano).";
const NO_SPANS_PROTOBUF = "No resourceSpans found (field 1 of ExportTraceServiceRequest).";

const truncationWarning = (n: number, limit: number) =>
  `Cut ${n} value${n === 1 ? "" : "s"} longer than ${limit} characters; each ends with "…[truncated from <length> characters]".`;

function firstMalformed(request: OtlpRequest): string | undefined {
  for (const rs of request.resourceSpans) for (const s of rs.spans) if ("malformed" in s) return s.malformed;
  return undefined;
}

const consoleLog: IngestLog = {
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

/**
 * `POST /v1/traces` as a function of a Web Request: OTLP/HTTP with protobuf or JSON bodies,
 * gzip or not. decode → validate and normalise → redact → enforce tenants → store, with the
 * status codes and bodies the OTLP specification prescribes.
 */
export function createIngestHandler(options: IngestHandlerOptions): IngestHandler {
  const config = options.config ?? defaultIngestConfig;
  const log = options.log ?? consoleLog;
  const now = options.now ?? (() => new Date());
  const redactor = new Redactor(config.redaction);
  const folder = new RollupFolder(options.sql, config.rollupFoldIntervalMs, (error) =>
    log.warn({ error: describeDatabaseError(error) }, "ingest: folding the latency rollup failed; the next fold retries"),
  );
  const store = new SpanStore(options.sql, {
    futureToleranceMs: config.futureToleranceMs,
    lockTimeoutMs: config.lockTimeoutMs,
    onRollupWritten: () => folder.notify(),
  });
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
  const unavailable = (encoding: Encoding, error: unknown) => {
    log.warn({ error: describeDatabaseError(error) }, "ingest: database unavailable");
    return fail(encoding, 503, RpcCode.UNAVAILABLE, "The trace store is unavailable; retry later.", {
      "retry-after": String(config.unavailableRetryAfterSeconds),
    });
  };

  /**
   * The body as rows to store, or the response refusing it. A function of its own, so the
   * decoded messages are garbage once it returns, not kept alive (and promoted to the old
   * generation) for as long as the database write takes.
   */
  async function prepare(raw: Buffer, encoding: Encoding, gzip: boolean): Promise<Prepared | Response> {
    try {
      const body = gzip ? await gunzipBounded(raw, maxBodyBytes) : raw;
      // An empty body is the empty request, in either encoding.
      if (body.length === 0) return { entries: [], total: 0, warnings: [] };
      const otlp = encoding === "protobuf" ? decodeProtobuf(body) : decodeJson(body);
      // Unknown fields are ignored, as the specification says; a body of nothing else says so.
      // (A protobuf encoder writes nothing for an empty request, so any bytes without spans are unknown fields.)
      const unrecognised = "hasResourceSpans" in otlp ? !otlp.hasResourceSpans : otlp.resourceSpans.length === 0;
      const total = spanCount(otlp);
      if (total > config.limits.maxSpansPerRequest) {
        return fail(encoding, 413, RpcCode.INVALID_ARGUMENT, `The request has ${total} spans, over the limit of ${config.limits.maxSpansPerRequest}; send smaller batches.`);
      }
      const warnings = unrecognised ? [encoding === "json" ? NO_SPANS_JSON : NO_SPANS_PROTOBUF] : [];
      const entries = normalizeRequest(otlp, redactor, config.limits.span);
      const cut = truncatedValues(entries);
      if (cut > 0) warnings.push(truncationWarning(cut, config.limits.span.attributeValueLength));
      return { entries, total, warnings, malformed: firstMalformed(otlp) };
    } catch (error) {
      if (error instanceof BodyTooLargeError) return fail(encoding, 413, RpcCode.INVALID_ARGUMENT, error.message);
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
    const declared = encodingOf(request.headers.get("content-type"));
    // An unsupported type cannot be answered in its own encoding; JSON is readable anywhere.
    const encoding: Encoding = declared ?? "json";

    let auth: KeyCheck;
    try {
      auth = await keys.check(request.headers.get("authorization"));
    } catch (error) {
      if (isTransientDatabaseError(error)) return unavailable(encoding, error);
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
      const prepared = await prepare(raw, encoding, contentEncoding === "gzip");
      // Not kept alive for as long as the write takes.
      raw = undefined;
      if (prepared instanceof Response) return prepared;
      const { entries, total, warnings } = prepared;
      const answer = (rejectedSpans: number, messages: string[]) =>
        otlpResponse(200, encoding, exportResponseBody(encoding, messages.length > 0 ? { rejectedSpans, errorMessage: messages.join(" ") } : undefined));
      if (total === 0) return answer(0, warnings);

      let result;
      try {
        result = await store.store(entries, auth.key, now());
      } catch (error) {
        if (isTransientDatabaseError(error)) return unavailable(encoding, error);
        log.error({ error: describeDatabaseError(error), keyId: auth.key.keyId }, "ingest: writing spans failed");
        return fail(encoding, 500, RpcCode.INTERNAL, "Writing the spans failed; nothing was stored.");
      }

      let rejected = 0;
      for (const n of result.refused.values()) rejected += n;
      return answer(rejected, rejected === 0 ? warnings : [refusalMessage(result.refused, total, prepared.malformed), ...warnings]);
    } finally {
      admitted.release();
    }
  };
}
