import { randomBytes } from "node:crypto";
import { context, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/db/testing/test-db";
import { benignCorpus, leakCorpus, leakNeedles, recordBenign, recordLeak, resourceOf } from "@trace-explorer/tracing/redaction/corpus";
import { closeIngestBed, openIngestBed, postOtlp, testTracing, type ExporterKind, type IngestServer } from "./testing/fixtures";
import { storedLeaks } from "./testing/leaks";
import { encodeRequest, fixed64 } from "./testing/synthetic";

// The shared corpus (@trace-explorer/tracing/redaction/corpus) through the real OpenTelemetry exporters, protobuf
// and JSON, into the real ingest endpoint: no leak may be found in any column of any table or
// in the logs, and every benign value must be stored exactly as sent.

let t: TestDatabase;
let server: IngestServer;
let key: string;

beforeAll(async () => {
  ({ t, server, key } = await openIngestBed("acme"));
});
afterAll(() => closeIngestBed({ t, server }));

async function sendCorpus(kind: ExporterKind): Promise<void> {
  const tracing = testTracing({ endpoint: server.endpoint, key, kind, resource: resourceOf(leakCorpus) });
  const { tracer } = tracing;
  const root = tracer.startSpan(`corpus ${kind}`);
  const parent = trace.setSpan(context.active(), root);
  const upstream = tracer.startSpan("upstream", {}, parent);
  upstream.end();
  // The exporter refuses more than 30 exports in flight; a span is one export here.
  for (const [i, leak] of leakCorpus.entries()) {
    recordLeak(tracer, leak, parent, upstream.spanContext());
    if (i % 20 === 19) await tracing.flush();
  }
  for (const [i, benign] of benignCorpus.entries()) {
    recordBenign(tracer, benign, parent);
    if (i % 20 === 19) await tracing.flush();
  }
  root.end();
  await tracing.flush();
  await tracing.shutdown();
}

// JavaScript exporters send an integral number as intValue; other SDKs send card numbers as
// doubleValue, so those cases go as raw requests in both encodings.
const doubles = leakCorpus.flatMap((leak) => (leak.in === "double" ? [leak] : []));

async function sendDoubles(kind: ExporterKind): Promise<void> {
  const traceId = randomBytes(16);
  const spans = doubles.map((leak, i) => ({ spanId: randomBytes(8), name: `double ${i}`, attribute: { key: leak.key, value: { doubleValue: leak.value } } }));
  const startNs = BigInt(Date.now()) * 1_000_000n;
  const body =
    kind === "proto"
      ? encodeRequest({
          resourceSpans: [
            {
              resource: { attributes: [{ key: "service.name", value: { stringValue: "raw" } }] },
              scopeSpans: [{ spans: spans.map((s) => ({ traceId, spanId: s.spanId, name: s.name, startTimeUnixNano: fixed64(startNs), endTimeUnixNano: fixed64(startNs + 1000n), attributes: [s.attribute] })) }],
            },
          ],
        })
      : JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: "service.name", value: { stringValue: "raw" } }] },
              scopeSpans: [
                {
                  spans: spans.map((s) => ({
                    traceId: traceId.toString("hex"),
                    spanId: s.spanId.toString("hex"),
                    name: s.name,
                    startTimeUnixNano: startNs.toString(),
                    endTimeUnixNano: (startNs + 1000n).toString(),
                    attributes: [s.attribute],
                  })),
                },
              ],
            },
          ],
        });
  const response = await postOtlp(server.endpoint, { body, key, contentType: kind === "proto" ? "application/x-protobuf" : "application/json" });
  expect(response.status).toBe(200);
}

describe("the leak corpus", () => {
  it("has at least 150 leaks in every place a span carries data, and 60 benign values", () => {
    expect(leakCorpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(leakCorpus.map((l) => l.in))).toEqual(
      new Set(["attribute", "key", "array", "kvlist", "bytes", "int", "double", "event_name", "event_attribute", "link_attribute", "resource", "status", "span_name"]),
    );
    expect(benignCorpus.length).toBeGreaterThanOrEqual(60);
  });

  it.each<ExporterKind>(["proto", "json"])("sent by the %s exporter, cannot be found anywhere in the database or the logs", async (kind) => {
    await sendCorpus(kind);
    await sendDoubles(kind);
    const [{ spans }] = (await t.sql`SELECT count(*)::int AS spans FROM spans`) as unknown as [{ spans: number }];
    expect(spans).toBeGreaterThanOrEqual(leakCorpus.length);

    expect(await storedLeaks(t.sql)).toEqual([]);
    const logged = server.logged.join("\n");
    for (const leak of leakCorpus) for (const needle of leakNeedles(leak)) expect(logged).not.toContain(needle);

    // What was removed is counted for the tenant, by rule (the rule's name, never the value).
    const counted = await t.sql<{ counter: string }[]>`SELECT counter FROM ingest_counters WHERE tenant_id = 'acme' AND counter LIKE 'redactions.%' ORDER BY counter`;
    expect(counted.map((c) => c.counter)).toEqual(
      expect.arrayContaining(
        ["sensitive_key", "secret_field", "secret_param", "email", "card", "iban", "ssn", "phone", "jwt", "pem", "bearer", "api_token", "url_credentials", "webhook", "base64_secret"].map(
          (rule) => `redactions.${rule}`,
        ),
      ),
    );
    const everyCounter = counted.map((c) => c.counter).join(" ");
    for (const leak of leakCorpus) expect(everyCounter).not.toContain(leak.secret);
  });

  it("stores every benign value exactly as sent", async () => {
    const stored = await t.sql<{ name: string; attributes: Record<string, unknown> }[]>`SELECT name, attributes FROM spans WHERE name LIKE 'benign %'`;
    const altered: string[] = [];
    for (const benign of benignCorpus) {
      const spans = stored.filter((s) => s.name === `benign ${benign.name}`);
      expect(spans.length).toBeGreaterThan(0);
      for (const s of spans) if (s.attributes[benign.key] !== benign.value) altered.push(`${benign.name}: ${JSON.stringify(s.attributes[benign.key])}`);
    }
    expect(altered).toEqual([]);
  });
});
