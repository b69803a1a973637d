import { randomBytes } from "node:crypto";
import { opentelemetry } from "../proto/otlp.js";

type Request = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.$Properties;
type Span = opentelemetry.proto.trace.v1.Span.$Properties;
type KeyValue = opentelemetry.proto.common.v1.KeyValue.$Properties;

const ExportTraceServiceRequest = opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

export function encodeRequest(request: Request): Uint8Array {
  return ExportTraceServiceRequest.encode(request).finish();
}

type Fixed64 = NonNullable<Span["startTimeUnixNano"]>;

/** A 64-bit value in the { low, high } form protobufjs writes (its Long type, structurally). */
export function fixed64(value: bigint): Fixed64 {
  return { low: Number(value & 0xffffffffn) | 0, high: Number((value >> 32n) & 0xffffffffn) | 0, unsigned: true } as unknown as Fixed64;
}

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { intValue: value } });

const SERVICES = ["edge-gateway", "web-api", "billing-service", "search-service", "job-worker", "notification-service"];
const ROUTES = ["/api/projects/:id", "/api/invoices", "/api/search", "/api/users/:id/settings", "/api/reports/:id/export"];
const METHODS = ["GET", "POST", "PUT"];

export interface SyntheticOptions {
  spans: number;
  tenants: readonly string[];
  spansPerTrace: number;
  /** Start of the first trace, epoch ms. */
  startMs: number;
}

/**
 * A collector-style batch: `spans` spans of traces of `spansPerTrace` spans spread over a few
 * services (one ResourceSpans per service), tenant.id on every span, HTTP-like attributes, an
 * event on some spans and a few errors. Every id is random, so batches never overlap.
 */
export function syntheticRequest(options: SyntheticOptions): Request {
  const byService = new Map<string, Span[]>();
  let made = 0;
  let traceIndex = 0;
  while (made < options.spans) {
    const traceId = randomBytes(16);
    const tenant = options.tenants[traceIndex % options.tenants.length]!;
    const requestId = `req-${traceId.toString("hex").slice(0, 16)}`;
    const route = ROUTES[traceIndex % ROUTES.length]!;
    const traceStartNs = BigInt(options.startMs + traceIndex * 7) * 1_000_000n + BigInt(traceIndex % 1000);
    const ids: Buffer[] = [];
    const size = Math.min(options.spansPerTrace, options.spans - made);
    for (let i = 0; i < size; i++) {
      const spanId = randomBytes(8);
      ids.push(spanId);
      const service = SERVICES[(traceIndex + (i === 0 ? 0 : 1 + (i % (SERVICES.length - 1)))) % SERVICES.length]!;
      const startNs = traceStartNs + BigInt(i) * 250_000n + 123n;
      const durationNs = BigInt(5_000_000 - i * 100_000 + (i % 7) * 1_337);
      const error = i === size - 1 && traceIndex % 20 === 0;
      const span: Span = {
        traceId,
        spanId,
        parentSpanId: i === 0 ? undefined : ids[Math.floor((i - 1) / 2)],
        name: i === 0 ? `${METHODS[traceIndex % METHODS.length]} ${route}` : i % 3 === 0 ? "SELECT projects" : `call ${service}`,
        kind: i === 0 ? 2 : i % 3 === 0 ? 3 : 1,
        startTimeUnixNano: fixed64(startNs),
        endTimeUnixNano: fixed64(startNs + durationNs),
        attributes: [
          str("tenant.id", tenant),
          str("request.id", requestId),
          str("http.request.method", METHODS[traceIndex % METHODS.length]!),
          str("http.route", route),
          str("url.path", route.replace(":id", String(1000 + (traceIndex % 977)))),
          int("http.response.status_code", error ? 500 : 200),
          str("server.address", `${service}.platform.svc.cluster.local`),
          str("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"),
          ...(i % 3 === 0 ? [str("db.system", "postgresql"), str("db.query.text", "SELECT id, name FROM projects WHERE tenant_id = $1 AND id = $2")] : []),
        ],
        events: i % 5 === 0 ? [{ timeUnixNano: fixed64(startNs + 1_000_000n), name: "cache.miss", attributes: [str("cache.key", `project:${traceIndex}`)] }] : [],
        status: error ? { code: 2, message: "upstream returned 500" } : { code: 0 },
      };
      let list = byService.get(service);
      if (!list) byService.set(service, (list = []));
      list.push(span);
    }
    made += size;
    traceIndex++;
  }
  return {
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: {
        attributes: [
          str("service.name", service),
          str("service.version", "2024.11.4"),
          str("deployment.environment.name", "production"),
          str("k8s.pod.name", `${service}-7d9f8c6b5-x2x9q`),
          str("telemetry.sdk.language", "nodejs"),
        ],
      },
      scopeSpans: [{ scope: { name: "@opentelemetry/instrumentation-http", version: "0.57.0" }, spans }],
    })),
  };
}

export type PlainValue = string | number | boolean;

export function keyValues(attributes: Record<string, PlainValue>): KeyValue[] {
  return Object.entries(attributes).map(([key, v]) => ({
    key,
    value: typeof v === "string" ? { stringValue: v } : typeof v === "boolean" ? { boolValue: v } : Number.isInteger(v) ? { intValue: v } : { doubleValue: v },
  }));
}

export interface SpanSpec {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
  name?: string;
  startNs: bigint;
  durationNs?: bigint;
  attributes?: Record<string, PlainValue>;
  status?: { code: number; message?: string };
}

/** A request of the given resources (attributes) and their spans, for tests to shape exactly. */
export function requestOf(resources: { attributes: Record<string, PlainValue>; scope?: { name: string; version?: string }; spans: SpanSpec[] }[]): Request {
  return {
    resourceSpans: resources.map((r) => ({
      resource: { attributes: keyValues(r.attributes) },
      scopeSpans: [
        {
          scope: r.scope,
          spans: r.spans.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            name: s.name ?? "op",
            startTimeUnixNano: fixed64(s.startNs),
            endTimeUnixNano: fixed64(s.startNs + (s.durationNs ?? 1_000_000n)),
            attributes: keyValues(s.attributes ?? {}),
            status: s.status,
          })),
        },
      ],
    })),
  };
}
