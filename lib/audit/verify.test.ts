import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { verifyAuditChain } from "./verify";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  for (let i = 0; i < 5; i++) {
    await t.sql`INSERT INTO audit_log (action, outcome, actor_email) VALUES ('trace.view', 'allowed', ${`user${i}@demo.test`})`;
  }
});
afterAll(async () => {
  await t.drop();
});

/** What a database administrator with the triggers out of the way could do. */
async function tamper(statement: string) {
  await t.sql.begin(async (tx) => {
    await tx`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`;
    await tx.unsafe(statement);
    await tx`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`;
  });
}

describe("verifyAuditChain", () => {
  it("reports an intact chain", async () => {
    expect(await verifyAuditChain(t.sql)).toEqual({ rows: 5, firstBroken: null });
  });

  it("names the first row whose content was changed", async () => {
    await tamper(`UPDATE audit_log SET outcome = 'denied' WHERE seq = 3`);
    expect((await verifyAuditChain(t.sql)).firstBroken).toMatchObject({ seq: 3, reason: "content changed" });
  });

  it("names the row after one that was deleted", async () => {
    await tamper(`UPDATE audit_log SET outcome = 'allowed' WHERE seq = 3`);
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
    await tamper(`DELETE FROM audit_log WHERE seq = 2`);
    expect((await verifyAuditChain(t.sql)).firstBroken).toMatchObject({ seq: 3, reason: "link broken" });
  });
});

describe("verifyAuditChain across an audit retention cut", () => {
  it("accepts the first rows removed with a recorded cut, and names a removal nobody recorded", async () => {
    // Row 2 is already gone (above); removing the rest of the head leaves row 4 first.
    await tamper(`DELETE FROM audit_log WHERE seq <= 3`);
    expect((await verifyAuditChain(t.sql)).firstBroken).toMatchObject({ seq: 4, reason: "unrecorded removal" });
    await t.sql`
      INSERT INTO audit_log (action, outcome, details)
      VALUES ('audit.retention', 'success', ${t.sql.json({ removed: 2, throughSeq: 3, throughHash: "forged" })})`;
    expect((await verifyAuditChain(t.sql)).firstBroken).toMatchObject({ seq: 4, reason: "unrecorded removal" });
    const [three] = await t.sql<{ hash: string }[]>`SELECT prev_hash AS hash FROM audit_log WHERE seq = 4`;
    await t.sql`
      INSERT INTO audit_log (action, outcome, details)
      VALUES ('audit.retention', 'success', ${t.sql.json({ removed: 3, throughSeq: 3, throughHash: three!.hash })})`;
    expect(await verifyAuditChain(t.sql)).toMatchObject({ firstBroken: null });
  });
});
