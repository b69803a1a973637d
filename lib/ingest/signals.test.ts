import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { SPAN_DERIVATIONS } from "./derivations/list";
import { defaultIngestConfig } from "./otlp-http/config";
import { createOtlpHandler } from "./otlp-http/handler";
import { serveHandler, type RunningServer } from "./otlp-http/node-server";
import type { SignalFactory } from "./otlp-http/signal";
import { keyFor, postOtlp, seedTenant, storedCounts } from "./testing/fixtures";
import { encodeRequest, requestOf, type SpanSpec } from "./testing/synthetic";
import type { SpanDerivation } from "./traces/derivation";
import { createTracesSignal, OTLP_TRACES_PATH } from "./traces/signal";

/**
 * The two places ingest grows by an entry: a signal registered at its path (lib/ingest/signals.ts)
 * and a derivation in the spans' list (lib/ingest/derivations/list.ts). Each is exercised here
 * with one more entry, next to the real ones, on the real transport and store.
 */

let t: TestDatabase;
let server: RunningServer;
let key: string;

/** What a probe signal at /v1/probe was asked to store. */
const probed: string[] = [];
const probeSignal: SignalFactory = () => ({
  rejectedField: "rejectedProbes",
  unavailableMessage: "The probe store is unavailable; retry later.",
  writeFailedMessage: "Writing the probes failed; nothing was stored.",
  writeFailedLog: "ingest: writing probes failed",
  prepare: (body) => ({
    total: 1,
    warnings: [],
    write: (scope) => {
      probed.push(`${scope.tenantId}:${body.toString()}`);
      return Promise.resolve({ rejected: 0, refusal: "" });
    },
  }),
});

/** Each write's new spans (by span name), each lookup's joined traces, and each commit, as the probe derivation saw them. */
const derived = { written: [] as string[][], joined: [] as number[], committed: 0, failOn: "" };
const probeDerivation: SpanDerivation = {
  start: () => ({
    lookup: async (tx, joined) => {
      // Reads in the request's transaction, where the stored trace is visible and locked.
      const [row] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM traces WHERE trace_id = ANY(${joined.traces.map((x) => x.trace_id)}::uuid[])`;
      derived.joined.push(row!.n);
    },
    write: (tx, { fresh }) => {
      const names = fresh.map((a) => a.span.name).sort();
      derived.written.push(names);
      // A failing statement of one derivation: the whole transaction must go.
      return names.includes(derived.failOn) ? tx`SELECT 1 / 0` : tx`SELECT 1`;
    },
  }),
  committed: () => derived.committed++,
};

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  key = await keyFor(t, "acme");
  const signals = new Map<string, SignalFactory>([
    [OTLP_TRACES_PATH, (deps) => createTracesSignal(deps, [...SPAN_DERIVATIONS.map((derive) => derive(deps)), probeDerivation])],
    ["/v1/probe", probeSignal],
  ]);
  const quiet = { warn: () => {}, error: () => {} };
  server = await serveHandler(createOtlpHandler({ sql: t.sql, config: { ...defaultIngestConfig, keyCacheMs: 0 }, log: quiet }, signals));
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

const now = () => BigInt(Date.now()) * 1_000_000n;
const send = (spans: SpanSpec[]) =>
  postOtlp(`${server.url}${OTLP_TRACES_PATH}`, { body: encodeRequest(requestOf([{ attributes: { "service.name": "api" }, spans }])), key });

describe("signals registered by path", () => {
  it("sends each path's requests to its own signal, through the same key check", async () => {
    const res = await postOtlp(`${server.url}/v1/probe`, { body: "hello", key });
    expect(res.status).toBe(200);
    expect(probed).toEqual(["acme:hello"]);

    const before = await storedCounts(t.sql);
    const stranger = await postOtlp(`${server.url}/v1/probe`, { body: "intruder", key: "te_not-a-key" });
    expect(stranger.status).toBe(401);
    expect(probed).toEqual(["acme:hello"]);
    // The probe's request stored no span.
    expect(await storedCounts(t.sql)).toEqual(before);
  });

  it("answers 404 naming every path elsewhere, and 405 to other methods, calling no signal", async () => {
    const elsewhere = await postOtlp(`${server.url}/v1/metrics`, { body: "x", key });
    expect(elsewhere.status).toBe(404);
    expect(JSON.parse(elsewhere.body.toString())).toEqual({ code: 5, message: "Not found: this port serves POST /v1/traces, POST /v1/probe only." });
    const get = await fetch(`${server.url}/v1/probe`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(probed).toEqual(["acme:hello"]);
  });
});

describe("a derivation added to the list", () => {
  it("sees each stored span once: a retried export writes and commits nothing again", async () => {
    const trace = randomBytes(16);
    const root = randomBytes(8);
    const spans: SpanSpec[] = [
      { traceId: trace, spanId: root, name: "root", startNs: now() },
      { traceId: trace, spanId: randomBytes(8), parentSpanId: root, name: "child", startNs: now() },
    ];
    derived.written.length = 0;
    derived.committed = 0;
    expect((await send(spans)).status).toBe(200);
    expect((await send(spans)).status).toBe(200);
    expect(derived.written).toEqual([["child", "root"]]);
    expect(derived.committed).toBe(1);
  });

  it("reads the stored traces a late span joins, in the request's transaction, and only then", async () => {
    const trace = randomBytes(16);
    const root = randomBytes(8);
    derived.joined.length = 0;
    await send([{ traceId: trace, spanId: root, name: "first", startNs: now() }]);
    expect(derived.joined).toEqual([]);
    await send([{ traceId: trace, spanId: randomBytes(8), parentSpanId: root, name: "late", startNs: now() }]);
    expect(derived.joined).toEqual([1]);
  });

  it("fails with the spans: a derivation's failed statement leaves no span, trace or counter behind", async () => {
    const before = await storedCounts(t.sql);
    derived.failOn = "doomed";
    try {
      const res = await send([{ traceId: randomBytes(16), spanId: randomBytes(8), name: "doomed", startNs: now() }]);
      expect(res.status).toBe(500);
    } finally {
      derived.failOn = "";
    }
    expect(await storedCounts(t.sql)).toEqual(before);
    const [rollup] = await t.sql<{ n: number }[]>`
      SELECT (SELECT count(*) FROM span_rollup_delta WHERE operation = 'doomed') + (SELECT count(*) FROM span_rollup WHERE operation = 'doomed')::int AS n`;
    expect(Number(rollup!.n)).toBe(0);
  });
});
