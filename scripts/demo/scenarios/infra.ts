import type { ServiceName } from "../resources";
import { SpanKind } from "../../../db/span-codec/kind-and-status";
import { sharedAttributes, type Attributes, type DemoSpan, type Failure, type TraceBuilder } from "../trace-builder";
import { FAILURES, upstreamFailure } from "./failures";

const PG = { "db.system": "postgresql", "db.namespace": "platform", "server.address": "pg-primary.platform.svc", "server.port": 5432 };
const REDIS = { "db.system": "redis", "db.namespace": "0", "server.address": "redis-cache.platform.svc", "server.port": 6379 };
const SEARCH = { "db.system": "opensearch", "server.address": "search.platform.svc", "server.port": 9200 };

/** A parameterised statement, as the pg instrumentation reports it (no literal values). */
export interface Query {
  name: string;
  attributes: Attributes;
  /** Typical duration in microseconds. */
  medianUs: number;
}

export function query(operation: string, table: string, text: string, medianUs: number): Query {
  const attributes: Attributes = { ...PG, "db.operation.name": operation, "db.query.text": text };
  if (table) attributes["db.collection.name"] = table;
  return { name: table ? `${operation} ${table}` : operation, attributes: sharedAttributes(attributes), medianUs };
}

/** Span name and attributes of a call, built once per distinct call rather than per span. */
function memo(cache: Map<string, Query>, key: string, make: () => Query): Query {
  let call = cache.get(key);
  if (!call) cache.set(key, (call = make()));
  return call;
}
const redisCalls = new Map<string, Query>();
const searchCalls = new Map<string, Query>();

export interface CallOptions {
  failure?: Failure;
  /** Multiplies the drawn duration, e.g. a lock wait or a cold cache. */
  slowdown?: number;
  /** A fixed duration instead of a drawn one, e.g. a timeout. */
  durationUs?: number;
}

function duration(t: TraceBuilder, medianUs: number, spread: number, options: CallOptions): number {
  return options.durationUs ?? t.latency(medianUs, spread) * (options.slowdown ?? 1);
}

export const BEGIN = query("BEGIN", "", "BEGIN", 150);
export const COMMIT = query("COMMIT", "", "COMMIT", 900);
export const ROLLBACK = query("ROLLBACK", "", "ROLLBACK", 200);
/** The statement_timeout the services run with. */
export const STATEMENT_TIMEOUT_US = 5_000_000;

/** A database statement; returns when it ends. Now and then it waits for a lock. */
export function db(t: TraceBuilder, parent: DemoSpan, at: number, q: Query, options: CallOptions = {}): number {
  const lockWait = t.rng.chance(0.002) ? t.rng.between(300_000, 4_000_000) : 0;
  const span = t.start(parent, parent.service, q.name, SpanKind.Client, at, q.attributes);
  const end = t.end(span, span.start + lockWait + duration(t, q.medianUs, 0.6, options));
  if (options.failure) t.fail(span, options.failure, end);
  return end;
}

/** A Redis command; `key` is the key pattern with `?` for the variable parts. */
export function redis(t: TraceBuilder, parent: DemoSpan, at: number, command: string, key: string, options: CallOptions = {}): number {
  const call = memo(redisCalls, `${command} ${key}`, () => ({
    name: command,
    attributes: sharedAttributes({ ...REDIS, "db.operation.name": command, "db.query.text": `${command} ${key}` }),
    medianUs: 350,
  }));
  const span = t.start(parent, parent.service, call.name, SpanKind.Client, at, call.attributes);
  const end = t.end(span, span.start + duration(t, call.medianUs, 0.5, options));
  if (options.failure) t.fail(span, options.failure, end);
  return end;
}

/** Reads through the cache: a Redis GET, and on a miss the query and a SET. */
export function cached(t: TraceBuilder, parent: DemoSpan, at: number, key: string, hitRate: number, q: Query): number {
  const timeout = t.fails(0.002);
  let end = redis(t, parent, at, "GET", key, timeout ? { failure: FAILURES.redisTimeout, durationUs: 250_000 } : {});
  // A cache timeout degrades to the database instead of failing the request.
  if (!timeout && t.rng.chance(hitRate)) return end;
  end = db(t, parent, end + 30, q);
  return redis(t, parent, end + 20, "SET", `${key} EX ?`);
}

/** An OpenSearch request. */
export function search(t: TraceBuilder, parent: DemoSpan, at: number, operation: string, index: string, text: string, medianUs: number, options: CallOptions = {}): number {
  const call = memo(searchCalls, `${operation}\n${index}\n${text}`, () => ({
    name: `${operation} ${index}`,
    attributes: sharedAttributes({ ...SEARCH, "db.operation.name": operation, "db.collection.name": index, "db.query.text": text }),
    medianUs,
  }));
  const span = t.start(parent, parent.service, call.name, SpanKind.Client, at, call.attributes);
  const end = t.end(span, span.start + duration(t, medianUs, 0.8, options));
  if (options.failure) t.fail(span, options.failure, end);
  return end;
}

export interface Served {
  end: number;
  status: number;
  failure?: Failure;
}

function httpStatusOutcome(t: TraceBuilder, span: DemoSpan, status: number): void {
  span.attributes["http.response.status_code"] = status;
  // Semantic conventions: a client span fails on 4xx and 5xx, a server span only on 5xx.
  if (status >= 500 || (status >= 400 && span.kind === SpanKind.Client)) {
    span.attributes["error.type"] = String(status);
    t.error(span, `HTTP ${status}`);
  }
}

/**
 * An HTTP call between two services of the platform: the caller's CLIENT span and the
 * callee's SERVER span, with `serve` building what happens inside the callee.
 */
export function callService(
  t: TraceBuilder,
  parent: DemoSpan,
  to: ServiceName,
  method: string,
  route: string,
  at: number,
  serve: (server: DemoSpan, at: number) => Served,
): Served {
  const client = t.start(parent, parent.service, `${method} ${route}`, SpanKind.Client, at, {
    "http.request.method": method,
    "url.template": route,
    "server.address": `${to}.platform.svc`,
    "server.port": 8080,
  });
  const server = t.start(client, to, `${method} ${route}`, SpanKind.Server, client.start + t.latency(250, 0.3), {
    "http.request.method": method,
    "http.route": route,
    "url.scheme": "http",
    "server.address": `${to}.platform.svc`,
  });
  const served = serve(server, server.start + t.latency(60, 0.4));
  const serverEnd = respond(t, server, served.end + t.latency(80, 0.4), served.status, served.failure);
  const end = t.end(client, serverEnd + t.latency(200, 0.3));
  httpStatusOutcome(t, client, served.status);
  // The caller sees an error status, not the callee's exception.
  return { end, status: served.status, failure: served.status >= 500 ? upstreamFailure(to, served.status) : undefined };
}

/** Finishes a server span with an HTTP status, failing it on 5xx. */
export function respond(t: TraceBuilder, span: DemoSpan, end: number, status: number, failure?: Failure): number {
  const at = t.end(span, end);
  httpStatusOutcome(t, span, status);
  if (failure && status >= 500) t.fail(span, failure, at);
  return at;
}

export interface ExternalAttempt {
  status: number;
  timedOut: boolean;
}

/**
 * A call to a third-party API with the client retrying on 5xx and timeouts (backoff 100, 200,
 * 400 ms). Each try is its own CLIENT span with `http.request.resend_count`, as the HTTP
 * semantic conventions describe resends. `outcome` decides each try.
 */
export function externalCall(
  t: TraceBuilder,
  parent: DemoSpan,
  at: number,
  request: { method: string; host: string; route: string; medianUs: number; tries: number },
  outcome: (attempt: number) => ExternalAttempt,
): { end: number; ok: boolean; status: number } {
  let cursor = at;
  let last: ExternalAttempt = { status: 0, timedOut: false };
  for (let attempt = 0; attempt < request.tries; attempt++) {
    const attributes: Attributes = {
      "http.request.method": request.method,
      "url.template": request.route,
      "server.address": request.host,
      "server.port": 443,
    };
    if (attempt > 0) attributes["http.request.resend_count"] = attempt;
    const span = t.start(parent, parent.service, `${request.method} ${request.route}`, SpanKind.Client, cursor, attributes);
    last = outcome(attempt);
    if (last.timedOut) {
      cursor = t.end(span, span.start + 10_000_000);
      span.attributes["error.type"] = "timeout";
      t.error(span, "request timed out after 10000 ms");
    } else {
      cursor = t.end(span, span.start + t.latency(request.medianUs, 0.5));
      httpStatusOutcome(t, span, last.status);
    }
    if (!last.timedOut && last.status < 500) return { end: cursor, ok: last.status < 400, status: last.status };
    if (attempt + 1 < request.tries) cursor += 100_000 * 2 ** attempt * t.rng.between(0.8, 1.2);
  }
  return { end: cursor, ok: false, status: last.timedOut ? 504 : last.status };
}
