import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { decodeJson } from "./traces/decode-json";
import { decodeProtobuf } from "./traces/decode-protobuf";
import type { IngestHandler } from "./otlp-http/handler";
import { createIngestHandler } from "./signals";
import { spanCount } from "./traces/otlp";
import { decodeExportResponse } from "./testing/responses";
import { keyFor, seedTenant } from "./testing/fixtures";
import { mutate, mutation } from "./testing/mutate";
import { encodeRequest, fixed64, syntheticRequest } from "./testing/synthetic";

// Random and mutated bodies thrown at the whole handler (decode → store): whatever comes in,
// the answer is a 200 or a 400, and the database holds either all accepted spans of a request
// or none of them, with summaries that agree with the spans.

let t: TestDatabase;
let handler: IngestHandler;
let key: string;
const logged: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  await seedTenant(t.sql, "globex");
  key = await keyFor(t, null);
  handler = createIngestHandler({ sql: t.sql, log: { warn: (_f, m) => logged.push(m), error: (_f, m) => logged.push(m) } });
});
afterAll(async () => {
  await t.drop();
});

type Encoding = "application/x-protobuf" | "application/json";

async function spansStored(): Promise<{ spans: number; summarised: number }> {
  const [row] = await t.sql<{ spans: number; summarised: number }[]>`
    SELECT (SELECT count(*)::int FROM spans) AS spans, (SELECT coalesce(sum(span_count), 0)::int FROM traces) AS summarised`;
  return row!;
}

/** Sends the body and checks the invariants; returns the status. */
async function check(body: Uint8Array, contentType: Encoding, sentSpans: number | undefined): Promise<number> {
  const before = await spansStored();
  const res = await handler(
    new Request("http://ingest/v1/traces", { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${key}` }, body: body as BodyInit }),
  );
  const after = await spansStored();
  expect([200, 400]).toContain(res.status);
  expect(after.spans).toBe(after.summarised);
  const added = after.spans - before.spans;
  if (res.status === 400) {
    expect(added).toBe(0);
  } else if (sentSpans !== undefined) {
    const answer = Buffer.from(await res.arrayBuffer());
    const rejected = contentType === "application/json"
      ? Number(JSON.parse(answer.toString()).partialSuccess?.rejectedSpans ?? 0)
      : (decodeExportResponse(answer).partialSuccess?.rejectedSpans ?? 0);
    expect(added).toBeLessThanOrEqual(sentSpans - rejected);
  }
  expect(logged).toEqual([]);
  return res.status;
}

/** How many spans the body carries, when it decodes at all. */
function spansIn(body: Uint8Array, decode = decodeProtobuf): number | undefined {
  try {
    return spanCount(decode(body));
  } catch {
    return undefined;
  }
}
const jsonSpansIn = (body: Uint8Array) => spansIn(body, decodeJson);

const validProtobuf = () => encodeRequest(syntheticRequest({ spans: 12, tenants: ["acme", "globex", "nosuch", "bad/tenant"], spansPerTrace: 4, startMs: Date.now() - 1000 }));

describe("protobuf bodies", () => {
  it("random bytes: 200 or 400, never a crash, never a partial write", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => void (await check(bytes, "application/x-protobuf", undefined))), { numRuns: 150 });
  });

  it("mutated valid requests: 200 or 400, and what is stored is whole", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const body = mutate(validProtobuf(), mutations);
        await check(body, "application/x-protobuf", spansIn(body));
      }),
      { numRuns: 150 },
    );
  });

  it("well-formed requests with hostile contents (ids of any length, any text, any numbers) are always answered 200", async () => {
    // Lone surrogates cannot be written as UTF-8 at all (a protobuf string with them is a 400,
    // covered above); everything else a string may hold is here.
    const anyString = fc.string({ unit: fc.constantFrom("a", "\0", "é", "😀", "\\", "\t", "\n", '"', "'", "%", "{", "\u2028"), maxLength: 20 });
    const value = fc.oneof(
      anyString.map((s) => ({ stringValue: s })),
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((n) => ({ intValue: fixed64(BigInt.asUintN(64, n)) as never })),
      fc.double().map((d) => ({ doubleValue: d })),
      fc.boolean().map((b) => ({ boolValue: b })),
    );
    // Mostly ids of the right length, so most spans reach the database; some of any length.
    const id = (bytes: number) => fc.oneof({ weight: 6, arbitrary: fc.uint8Array({ minLength: bytes, maxLength: bytes }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: bytes + 1 }) });
    const span = fc.record({
      traceId: id(16),
      spanId: id(8),
      parentSpanId: fc.oneof(fc.constant(new Uint8Array()), id(8)),
      name: anyString,
      kind: fc.integer({ min: -5, max: 10 }),
      startTimeUnixNano: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(fixed64),
      endTimeUnixNano: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(fixed64),
      attributes: fc.array(fc.record({ key: fc.oneof(anyString, fc.constant("tenant.id")), value }), { maxLength: 6 }),
      droppedAttributesCount: fc.nat(),
      status: fc.record({ code: fc.integer({ min: -1, max: 5 }), message: anyString }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ tenant: fc.constantFrom("acme", "globex", "nosuch", "", "..", "a/b"), spans: fc.array(span, { maxLength: 5 }) }), { maxLength: 3 }),
        async (resources) => {
          const now = BigInt(Date.now()) * 1_000_000n;
          // Some spans get a plausible time, so that some are stored.
          const body = encodeRequest({
            resourceSpans: resources.map((r, i) => ({
              resource: { attributes: [{ key: "tenant.id", value: { stringValue: r.tenant } }] },
              scopeSpans: [{ spans: r.spans.map((s, j) => ((i + j) % 2 === 0 ? { ...s, startTimeUnixNano: fixed64(now), endTimeUnixNano: fixed64(now + 5n) } : s)) }],
            })),
          });
          const sent = resources.reduce((n, r) => n + r.spans.length, 0);
          expect(await check(body, "application/x-protobuf", sent)).toBe(200);
        },
      ),
      { numRuns: 150 },
    );
    // About 70 spans reach the database on average; the bound only proves the writes ran.
    expect((await spansStored()).spans).toBeGreaterThan(10);
  });
});

describe("JSON bodies", () => {
  it("random JSON values: 200 or 400, never a crash, never a partial write", async () => {
    await fc.assert(fc.asyncProperty(fc.json(), async (text) => void (await check(Buffer.from(text), "application/json", undefined))), { numRuns: 150 });
  });

  it("valid requests with random values spliced in anywhere: 200 or 400, and what is stored is whole", async () => {
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const base = () => ({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "tenant.id", value: { stringValue: "acme" } }] },
          scopeSpans: [
            {
              spans: Array.from({ length: 4 }, (_, i) => ({
                traceId: "5b8efff798038103d269b633813fc60c",
                spanId: `eee19b7ec3c1b17${i}`,
                name: "op",
                kind: 1,
                startTimeUnixNano: now,
                endTimeUnixNano: now,
                attributes: [{ key: "k", value: { stringValue: "v" } }],
                status: { code: 0 },
              })),
            },
          ],
        },
      ],
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.jsonValue()), { minLength: 1, maxLength: 3 }), async (splices) => {
        await t.sql`TRUNCATE spans, traces`;
        const body: unknown = base();
        for (const [at, value] of splices) {
          // Replace the at-th node (in a walk of the tree) with the random value.
          let n = 0;
          const walk = (node: unknown): unknown => {
            if (n++ === at % 60) return value;
            if (Array.isArray(node)) return node.map(walk);
            if (node && typeof node === "object") return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
            return node;
          };
          Object.assign(body as object, walk(body));
        }
        const bytes = Buffer.from(JSON.stringify(body));
        // A splice may add spans (an array of anything where the spans were): count what was sent.
        await check(bytes, "application/json", jsonSpansIn(bytes));
      }),
      { numRuns: 150 },
    );
    // A splice now refuses one span, not the request, so most runs write to the database.
  }, 60_000);
});
