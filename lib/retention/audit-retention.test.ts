import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type Sql } from "@/db/connect";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { verifyAuditChain } from "@/lib/audit/verify";
import { purgeAuditLog } from "./audit-retention";
import { RETENTION_LOCK_KEY } from "./transaction";

let t: TestDatabase;
/** A purge works on a session of its own that holds the retention lock. */
let session: Sql;
beforeAll(async () => {
  t = await createTestDatabase();
  session = connect(t.url, { max: 1 });
  await session`SELECT pg_advisory_lock(${RETENTION_LOCK_KEY})`;
  for (let i = 0; i < 12; i++) {
    await t.sql`INSERT INTO audit_log (action, outcome, actor_email) VALUES ('trace.view', 'allowed', ${`user${i}@demo.test`})`;
  }
  // Back-date the first seven rows past the 400-day retention and re-chain, as if they were
  // written then: only a database owner with the triggers out of the way can do this.
  await t.sql.begin(async (tx) => {
    await tx`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`;
    await tx`UPDATE audit_log SET at = now() - make_interval(days => 500 - seq::int) WHERE seq <= 7`;
    await tx`
      DO $$
      DECLARE r audit_log; prev text := NULL;
      BEGIN
        FOR r IN SELECT * FROM audit_log ORDER BY seq LOOP
          r.prev_hash := prev;
          UPDATE audit_log SET prev_hash = prev, hash = audit_log_row_hash(r) WHERE id = r.id;
          prev := audit_log_row_hash(r);
        END LOOP;
      END $$`;
    await tx`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`;
  });
});
afterAll(async () => {
  await session.end();
  await t.drop();
});

describe("the audit log's own retention", () => {
  it("refuses a delete outside the retention step, even of an old row", async () => {
    await expect(t.sql`DELETE FROM audit_log WHERE seq = 1`).rejects.toThrow(/append-only/);
  });

  it("removes only rows past 400 days, in batches, each cut recorded, and the chain still verifies", async () => {
    expect((await verifyAuditChain(t.sql)).firstBroken).toBeNull();
    const [seven] = await t.sql<{ hash: string }[]>`SELECT hash FROM audit_log WHERE seq = 7`;
    const cut = await purgeAuditLog(session, { batchSize: 3 });
    expect(cut).toEqual({ removed: 7, throughSeq: 7, throughHash: seven!.hash });

    const left = await t.sql<{ seq: number }[]>`SELECT seq::int FROM audit_log WHERE action = 'trace.view' ORDER BY seq`;
    expect(left.map((r) => r.seq)).toEqual([8, 9, 10, 11, 12]);
    const records = await t.sql<{ details: { removed: number; throughSeq: number } }[]>`
      SELECT details FROM audit_log WHERE action = 'audit.retention' ORDER BY seq`;
    expect(records.map((r) => [r.details.removed, r.details.throughSeq])).toEqual([[3, 3], [3, 6], [1, 7]]);
    expect(await verifyAuditChain(t.sql)).toEqual({ rows: 8, firstBroken: null });
  });

  it("does nothing when no row is past the retention", async () => {
    expect(await purgeAuditLog(session, { batchSize: 100 })).toEqual({ removed: 0, throughSeq: null, throughHash: null });
  });
});
