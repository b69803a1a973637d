import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { createIngestHandler } from "@/lib/ingest/signals";
import { keyFor, seedTenant } from "@/lib/ingest/testing/fixtures";
import { logsInWindow, logsOfTrace } from "./read";

let t: TestDatabase;
const trace = randomBytes(16).toString("hex");
const other = randomBytes(16).toString("hex");
const base = BigInt(Date.now() - 60_000) * 1_000_000n;
const at = (ms: number) => (base + BigInt(ms) * 1_000_000n + 7n).toString();

function record(ms: number, body: string, severityNumber: number, traceId = "", tenant = "acme") {
  return { timeUnixNano: at(ms), severityNumber, body: { stringValue: body }, traceId, spanId: traceId ? "00f067aa0ba902b7" : "", attributes: [{ key: "tenant.id", value: { stringValue: tenant } }] };
}

beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
  await seedTenant(t.sql, "globex");
  const handler = createIngestHandler({ sql: t.sql });
  const logRecords = [
    record(1, "request started", 9, trace),
    record(2, "deadlock detected on orders, retrying", 17, trace),
    record(3, "retry succeeded", 9, trace),
    record(4, "unrelated deadlock elsewhere", 13, other),
    record(5, "no trace at all", 17),
    record(6, "globex deadlock", 17, trace, "globex"),
  ];
  const body = JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "orders" } }] }, scopeLogs: [{ logRecords }] }] });
  const key = await keyFor(t, null);
  const res = await handler(new Request("http://ingest/v1/logs", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body }));
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({});
});
afterAll(async () => {
  await t.drop();
});

const acme = { all: false, tenantIds: ["acme"] } as const;

describe("logsOfTrace", () => {
  it("reads the trace's records oldest first, a page at a time, with times to the nanosecond and ids as hex", async () => {
    const first = await logsOfTrace(acme, { tenantId: "acme", traceId: trace, limit: 2 }, t.sql);
    expect(first.lines.map((l) => l.body)).toEqual(["request started", "deadlock detected on orders, retrying"]);
    expect(first.lines[1]).toMatchObject({ timeNs: at(2), severityNumber: 17, traceId: trace, spanId: "00f067aa0ba902b7", service: "orders", bodyType: "string" });
    const second = await logsOfTrace(acme, { tenantId: "acme", traceId: trace, limit: 2, after: first.next! }, t.sql);
    expect(second.lines.map((l) => l.body)).toEqual(["retry succeeded"]);
    expect(second.next).toBeNull();
  });

  it("returns nothing of a tenant outside the caller's scope, even when asked for it by name", async () => {
    const page = await logsOfTrace({ all: false, tenantIds: ["globex"] }, { tenantId: "acme", traceId: trace }, t.sql);
    expect(page.lines).toEqual([]);
    const own = await logsOfTrace({ all: false, tenantIds: ["globex"] }, { tenantId: "globex", traceId: trace }, t.sql);
    expect(own.lines.map((l) => l.body)).toEqual(["globex deadlock"]);
  });

  it("refuses a malformed trace id or cursor with a clear error, reading nothing", async () => {
    await expect(logsOfTrace(acme, { tenantId: "acme", traceId: "nope" }, t.sql)).rejects.toThrow(/not a trace id/);
    await expect(logsOfTrace(acme, { tenantId: "acme", traceId: trace, after: "bm90IGEgY3Vyc29y" }, t.sql)).rejects.toThrow(/not a cursor/);
  });
});

describe("logsInWindow", () => {
  const window = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) };

  it("finds a tenant's records by body words and minimum severity, newest first", async () => {
    const page = await logsInWindow(acme, { tenantIds: ["acme"], ...window, text: "deadlock", minSeverity: 17 }, t.sql);
    expect(page.lines.map((l) => l.body)).toEqual(["deadlock detected on orders, retrying"]);
    const all = await logsInWindow(acme, { tenantIds: ["acme"], ...window, text: "deadlock" }, t.sql);
    expect(all.lines.map((l) => l.body)).toEqual(["unrelated deadlock elsewhere", "deadlock detected on orders, retrying"]);
  });

  it("pages newest first through the window", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await logsInWindow(acme, { tenantIds: ["acme"], ...window, limit: 2, after }, t.sql);
      seen.push(...page.lines.map((l) => String(l.body)));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(["no trace at all", "unrelated deadlock elsewhere", "retry succeeded", "deadlock detected on orders, retrying", "request started"]);
  });

  it("never shows another tenant's records, whatever tenants are asked for", async () => {
    const page = await logsInWindow(acme, { tenantIds: ["acme", "globex"], ...window, text: "globex" }, t.sql);
    expect(page.lines).toEqual([]);
  });

  it("refuses a window that ends before it starts", async () => {
    await expect(logsInWindow(acme, { tenantIds: ["acme"], from: window.to, to: window.from }, t.sql)).rejects.toThrow(/must end after it starts/);
  });
});
