import net from "node:net";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { keyFor, postOtlp, seedTenant, startIngestServer, type IngestServer } from "./testing/fixtures";
import { decodeStatus } from "./testing/responses";

/**
 * The drip attack (issue 15, item 2): many sockets on one tenant's key send a body one byte at
 * a time. They must not hold write slots, must not take more than the key's share of the
 * queue, and must be cut at the body deadline, while another tenant's real OTel exporter keeps
 * having every export accepted.
 */
let t: TestDatabase;
let server: IngestServer;
let malloryKey: string;
let acmeKey: string;
const BODY_TIMEOUT_MS = 4_000;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "mallory");
  await seedTenant(t.sql, "acme");
  malloryKey = await keyFor(t, "mallory");
  acmeKey = await keyFor(t, "acme");
  // The shipped limits (4 slots, 64 queued, 16 per source), with the body deadline shortened from 30 s.
  server = await startIngestServer(t, { config: { bodyTimeoutMs: BODY_TIMEOUT_MS, bodyIdleTimeoutMs: 2_000 } });
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Dripper {
  /** The status line's code once the server answered, or the socket's fate. */
  answer: Promise<string>;
  stop: () => void;
}

/** A raw socket that announces a 100 kB protobuf body and sends one byte every `everyMs`. */
function drip(url: string, key: string, everyMs: number): Dripper {
  const { hostname, port } = new URL(url);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let timer: NodeJS.Timeout | undefined;
  const answer = new Promise<string>((resolve) => {
    let text = "";
    socket.on("data", (data) => {
      text += data.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status) resolve(status[1]!);
    });
    socket.on("error", () => resolve("error"));
    socket.on("close", () => resolve("closed"));
  });
  socket.on("connect", () => {
    socket.write(
      `POST /v1/traces HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-protobuf\r\nAuthorization: Bearer ${key}\r\nContent-Length: 100000\r\n\r\n`,
    );
    timer = setInterval(() => socket.write("\x0a"), everyMs);
  });
  void answer.then(() => clearInterval(timer));
  return {
    answer,
    stop: () => {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

/** Batches of spans from a real SDK, to hand to the exporter one batch at a time. */
async function acmeBatches(count: number, size: number): Promise<ReadableSpan[][]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ "service.name": "acme-web" }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer("drip-test");
  for (let i = 0; i < count * size; i++) tracer.startSpan(`GET /item/${i}`).end();
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  return Array.from({ length: count }, (_, i) => spans.slice(i * size, (i + 1) * size));
}

describe("a key dripping slow bodies", () => {
  it("408 for a body that stalls or passes its deadline, and nothing is stored", async () => {
    const stalled = drip(server.url, malloryKey, 60_000);
    const slow = drip(server.url, malloryKey, 500);
    const started = Date.now();
    expect(await stalled.answer).toBe("408");
    expect(Date.now() - started).toBeLessThan(BODY_TIMEOUT_MS);
    expect(await slow.answer).toBe("408");
    expect(Date.now() - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 100);
    stalled.stop();
    slow.stop();
    expect((await t.sql`SELECT 1 FROM spans WHERE tenant_id = 'mallory'`).length).toBe(0);
  });

  it("cannot keep another tenant's real OTel exporter from having every export accepted", async () => {
    const drippers = Array.from({ length: 70 }, () => drip(server.url, malloryKey, 1_000));
    await sleep(500);
    const exporter = new OTLPTraceExporter({ url: server.endpoint, headers: { authorization: `Bearer ${acmeKey}` } });
    const batches = await acmeBatches(12, 50);
    expect(batches.map((b) => b.length)).toEqual(batches.map(() => 50));
    const results: ExportResult[] = [];
    const started = Date.now();
    // Three exporters' worth of traffic at once, four rounds, while the drips go on.
    for (let round = 0; round < 4; round++) {
      results.push(
        ...(await Promise.all(batches.slice(round * 3, round * 3 + 3).map((batch) => new Promise<ExportResult>((resolve) => exporter.export(batch, resolve))))),
      );
    }
    const elapsed = Date.now() - started;
    const answers = await Promise.all(drippers.map((d) => d.answer));
    for (const d of drippers) d.stop();
    await exporter.shutdown();

    expect(results.map((r) => r.code)).toEqual(results.map(() => ExportResultCode.SUCCESS));
    // Accepted at once, not after the SDK's retries.
    expect(elapsed).toBeLessThan(3_000);
    const [stored] = await t.sql<{ acme: number; mallory: number }[]>`
      SELECT count(*) FILTER (WHERE tenant_id = 'acme')::int AS acme, count(*) FILTER (WHERE tenant_id = 'mallory')::int AS mallory FROM spans`;
    expect(stored).toEqual({ acme: 600, mallory: 0 });
    // The key's share: 16 read (then cut at the deadline), the rest refused at once.
    const counts: Record<string, number> = {};
    for (const a of answers) counts[a] = (counts[a] ?? 0) + 1;
    expect(counts).toEqual({ "408": 16, "429": 54 });
  }, 30_000);

  it("answers 429 with Retry-After in OTLP's encoding when the key's share is taken", async () => {
    const drippers = Array.from({ length: 16 }, () => drip(server.url, malloryKey, 1_000));
    await sleep(300);
    const res = await postOtlp(server.endpoint, { body: new Uint8Array(), key: malloryKey });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(decodeStatus(res.body).message).toBe("Too many concurrent exports; retry later.");
    expect((await postOtlp(server.endpoint, { body: new Uint8Array(), key: acmeKey })).status).toBe(200);
    for (const d of drippers) d.stop();
  });
});
