import type { Sql } from "../../db/connect";
import { CopyWriter } from "../../db/span-codec/copy-stream";
import { copyJson, copyNullable, copyText, COPY_NULL } from "../../db/span-codec/copy-text";
import type { SegmentSpan, SegmentTrace } from "../../lib/traces/segments/format";
import { Random } from "../../scripts/demo/random";

// Spans as instrumented services send them, for `npm run bench -- storage`: 20-40 attributes
// each (HTTP, database, messaging, runtime and application keys; enums, ids, URLs and SQL with
// literals), one span in eight with an exception event carrying a stack trace, one in three
// with log events. The demo mix has 3-8 attributes and short events; this is the other end.

const SERVICES = ["edge-gateway", "web-api", "auth-service", "billing-service", "catalog", "search", "orders", "inventory", "notifier", "payments", "recommendations", "reporting"];
const ROUTES = ["/api/projects/:id", "/api/orders", "/api/orders/:id/items", "/api/search", "/api/users/:id/settings", "/api/invoices/:id/pdf", "/healthz", "/api/cart"];
const TABLES = ["orders", "order_items", "users", "invoices", "products", "inventory_levels", "sessions"];
const FRAMES = Array.from({ length: 120 }, (_, i) => {
  const mod = ["orders", "billing", "catalog", "http", "db/pool", "queue", "auth", "render"][i % 8];
  return `    at ${["handle", "process", "load", "fetchRows", "validate", "dispatch", "runTask", "serialize"][i % 8]}${i} (/app/src/${mod}/${["index", "service", "repository", "client", "worker"][i % 5]}.ts`;
});
const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "okhttp/4.12.0",
  "python-requests/2.32.3",
];
const EXTRA_KEYS = Array.from({ length: 40 }, (_, i) => `app.${["feature", "cache", "tenant", "plan", "cart", "experiment", "queue", "retry"][i % 8]}.${["enabled", "hit", "tier", "size", "variant", "depth", "count", "bucket"][(i * 3) % 8]}_${i}`);

const pick = <T>(rng: Random, list: readonly T[]): T => list[rng.int(0, list.length - 1)]!;
const uuid = (rng: Random) => `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`;

function attributes(rng: Random, service: string, kind: number, count: number): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  const route = pick(rng, ROUTES);
  const id = rng.int(1, 5_000_000);
  if (kind === 2 || kind === 3) {
    Object.assign(a, {
      "http.request.method": pick(rng, ["GET", "GET", "GET", "POST", "PUT", "DELETE"]),
      "http.route": route,
      "url.path": route.replace(":id", String(id)),
      "url.scheme": "https",
      "url.query": rng.chance(0.4) ? `page=${rng.int(1, 40)}&sort=${pick(rng, ["asc", "desc"])}&q=${rng.hex(6)}` : "",
      "http.response.status_code": rng.chance(0.95) ? 200 : pick(rng, [201, 204, 400, 404, 409, 500, 503]),
      "http.request.body.size": rng.int(0, 40_000),
      "http.response.body.size": rng.int(0, 400_000),
      "server.address": `${service}.prod.svc.cluster.local`,
      "server.port": 8080,
      "client.address": `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      "network.protocol.version": pick(rng, ["1.1", "2"]),
      "user_agent.original": pick(rng, USER_AGENTS),
    });
  } else {
    const table = pick(rng, TABLES);
    Object.assign(a, {
      "db.system": "postgresql",
      "db.namespace": "shop",
      "db.operation.name": pick(rng, ["SELECT", "SELECT", "INSERT", "UPDATE"]),
      "db.collection.name": table,
      "db.query.text": `SELECT id, status, total_cents, updated_at FROM ${table} WHERE tenant_id = '${rng.hex(8)}' AND id = ${id} LIMIT ${rng.int(1, 100)}`,
      "db.response.returned_rows": rng.int(0, 100),
      "server.address": "pg-primary.prod.svc.cluster.local",
      "server.port": 5432,
    });
  }
  Object.assign(a, {
    "thread.id": rng.int(1, 64),
    "thread.name": `worker-${rng.int(1, 16)}`,
    "code.function.name": `${pick(rng, ["handle", "load", "save", "render"])}${pick(rng, ["Order", "User", "Invoice", "Cart"])}`,
    "code.file.path": `/app/src/${service}/${pick(rng, ["handlers", "repository", "service"])}.ts`,
    "code.line.number": rng.int(10, 900),
    "enduser.id": uuid(rng),
    "session.id": rng.hex(32),
    "app.request_id": uuid(rng),
    "app.tenant": pick(rng, ["acme", "globex", "initech", "umbrella", "hooli"]),
  });
  for (let i = 0; Object.keys(a).length < count; i++) {
    const key = EXTRA_KEYS[(id + i * 7) % EXTRA_KEYS.length]!;
    a[key] = rng.chance(0.4) ? rng.chance(0.5) : rng.chance(0.5) ? rng.int(0, 10_000) : pick(rng, ["control", "variant-a", "variant-b", "gold", "silver"]);
  }
  return a;
}

function events(rng: Random, startNs: bigint, durationNs: bigint): SegmentSpan["events"] {
  const at = () => (startNs + BigInt(Math.floor(Number(durationNs) * rng.next()))).toString();
  const out: SegmentSpan["events"] = [];
  if (rng.chance(1 / 3)) {
    for (let i = rng.int(1, 3); i > 0; i--) {
      out.push({ name: "log", timeUnixNano: at(), attributes: { "log.severity": pick(rng, ["INFO", "DEBUG", "WARN"]), "log.message": `cache ${pick(rng, ["miss", "hit", "refresh"])} for key order:${rng.int(1, 5_000_000)} after ${rng.int(1, 900)} ms` } });
    }
  }
  if (rng.chance(1 / 8)) {
    const frames = Array.from({ length: rng.int(15, 40) }, () => `${pick(rng, FRAMES)}:${rng.int(1, 600)}:${rng.int(1, 80)})`);
    const type = pick(rng, ["TimeoutError", "PgError", "ValidationError", "TypeError"]);
    const message = `${type === "TimeoutError" ? "upstream did not answer within" : "failed on"} ${rng.int(100, 30_000)} ms for order ${rng.int(1, 5_000_000)}`;
    out.push({ name: "exception", timeUnixNano: at(), attributes: { "exception.type": type, "exception.message": message, "exception.stacktrace": `${type}: ${message}\n${frames.join("\n")}` } });
  }
  return out;
}

/** One trace of 4-60 spans starting at `startUs`; spans nest under earlier spans of the trace. */
export function realisticTrace(rng: Random, tenantId: string, startUs: bigint, resourceIds: readonly bigint[]): SegmentTrace {
  const n = rng.int(4, 60);
  const spans: SegmentSpan[] = [];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? null : spans[rng.int(0, i - 1)]!;
    const kind = i === 0 ? 2 : pick(rng, [1, 3, 3, 2]);
    const service = i === 0 ? "edge-gateway" : pick(rng, SERVICES);
    const spanStart = startUs + BigInt(i * rng.int(50, 4_000));
    const durationNs = BigInt(rng.int(20_000, 900_000_000));
    const error = rng.chance(0.03);
    spans.push({
      spanId: BigInt.asIntN(64, BigInt(`0x${rng.hex(16)}`)),
      parentSpanId: parent?.spanId ?? null,
      traceState: null,
      requestId: null,
      service,
      name: kind === 3 && rng.chance(0.5) ? `SELECT ${pick(rng, TABLES)}` : `${pick(rng, ["GET", "POST"])} ${pick(rng, ROUTES)}`,
      kind,
      startUs: spanStart,
      startSubUsNs: rng.int(0, 999),
      durationNs,
      statusCode: error ? 2 : 0,
      statusMessage: error ? `upstream ${service} returned 503 after ${rng.int(1, 30)} s` : null,
      attributes: attributes(rng, service, kind, rng.int(20, 40)),
      events: events(rng, spanStart * 1000n, durationNs),
      links: [],
      resourceId: pick(rng, resourceIds),
      scopeId: 1n,
      flags: 256,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    });
  }
  return { tenantId, traceId: uuid(rng), spans };
}

const TIME = (us: bigint) => new Date(Number(us / 1000n)).toISOString().replace("Z", `${String(us % 1000n).padStart(3, "0")}+00`);

/** COPYs the traces' spans into `spans` (partitions and resources must exist). */
export async function copyRealisticSpans(sql: Sql, traces: readonly SegmentTrace[]): Promise<void> {
  const copy = await CopyWriter.open(
    sql,
    "COPY spans (tenant_id, trace_id, span_id, parent_span_id, trace_state, request_id, service, name, kind, start_time, start_sub_us_ns, duration_ns, " +
      "status_code, status_message, attributes, events, links, resource_id, scope_id, flags, dropped_attributes_count, dropped_events_count, dropped_links_count) FROM STDIN",
  );
  for (const t of traces) {
    for (const s of t.spans) {
      copy.write(
        [
          copyText(t.tenantId), t.traceId, s.spanId, s.parentSpanId ?? COPY_NULL, copyNullable(s.traceState), copyNullable(s.requestId), copyText(s.service), copyText(s.name),
          s.kind, TIME(s.startUs), s.startSubUsNs, s.durationNs, s.statusCode, copyNullable(s.statusMessage), copyJson(s.attributes), copyJson(s.events), copyJson(s.links),
          s.resourceId, s.scopeId ?? COPY_NULL, s.flags, s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount,
        ].join("\t") + "\n",
      );
    }
    await copy.flushIfFull();
  }
  await copy.end();
}
