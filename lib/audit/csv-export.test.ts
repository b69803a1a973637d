import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { auditCsvStream } from "./csv-export";
import { auditFilterParams } from "./audit-params";
import { ENTRIES, PEOPLE, seedAuditLog } from "./query.fixtures";
import { recordAudit } from "./record";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedAuditLog(t.sql);
  await recordAudit(t.sql, {
    actor: PEOPLE.viewer,
    action: "trace.view",
    resource: '=HYPERLINK("http://evil.test","click")',
    tenants: ["acme"],
    outcome: "allowed",
    details: { q: "+cmd" },
    request: { ip: "-1", userAgent: "@evil, \"quoted\"", requestId: null, traceId: null },
  });
});
afterAll(async () => {
  await t.drop();
});

/** A strict RFC 4180 reader, to check the export reads back as a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  const endCell = () => {
    record.push(cell);
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endCell();
    else if (c === "\r" && text[i + 1] === "\n") {
      endCell();
      records.push(record);
      record = [];
      i++;
    } else cell += c;
  }
  return records;
}

async function exportText(params: Record<string, string>) {
  return new Response(await auditCsvStream(t.sql, auditFilterParams.parse({ range: "1h", ...params }))).text();
}

describe("auditCsvStream", () => {
  it("writes a header and one record per matching row, newest first", async () => {
    const records = parseCsv(await exportText({}));
    expect(records[0]).toEqual(["seq", "at_utc", "actor_id", "actor_email", "role", "action", "resource", "tenants", "outcome", "ip", "user_agent", "request_id", "trace_id", "details"]);
    expect(records).toHaveLength(ENTRIES.length + 2);
    expect(Number(records[1]![0])).toBeGreaterThan(Number(records[2]![0]));
    expect(records.every((r) => r.length === 14)).toBe(true);
  });

  it("defuses formulas and quotes what needs quoting, keeping CR/LF escaped as stored", async () => {
    const [, newest, older] = parseCsv(await exportText({}));
    expect(newest).toMatchObject({
      6: "'=HYPERLINK(\"http://evil.test\",\"click\")",
      7: "acme",
      9: "'-1",
      10: "'@evil, \"quoted\"",
      13: '{"q":"+cmd"}',
    });
    expect(older![10]).toBe("Mozilla/5.0\\r\\nInjected: yes");
    expect(older![13]).toContain("line1\\\\r\\\\nFAKE ENTRY");
  });

  it("applies the filters", async () => {
    const records = parseCsv(await exportText({ tenant: "initech" }));
    expect(records.slice(1).map((r) => `${r[3]} ${r[5]} ${r[8]}`)).toEqual(["admin@demo.test trace.view allowed", "viewer@demo.test trace.view denied"]);
  });

  it("streams batch by batch rather than as one string", async () => {
    const reader = (await auditCsvStream(t.sql, auditFilterParams.parse({ range: "1h" }), 5)).getReader();
    const chunks: Uint8Array[] = [];
    for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
    expect(chunks.length).toBe(Math.ceil((ENTRIES.length + 1) / 5));
  });
});
