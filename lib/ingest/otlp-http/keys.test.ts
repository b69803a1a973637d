import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { KeyAuthenticator } from "./authenticate";
import { hashIngestKey } from "./key-material";
import { createIngestKey, IngestKeyError, listIngestKeys, revokeIngestKey } from "./keys";
import { seedTenant } from "../testing/fixtures";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedTenant(t.sql, "acme");
});
afterAll(async () => {
  await t.drop();
});

describe("ingest keys", () => {
  it("are random, shown once and stored only as a SHA-256 hash", async () => {
    const a = await createIngestKey(t.db, { tenantId: "acme" });
    const b = await createIngestKey(t.db, { tenantId: null, name: "otel collector" });
    expect(a.key).toMatch(/^te_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    const rows = await t.sql`SELECT id, name, prefix, key_hash, tenant_id FROM ingest_keys ORDER BY created_at`;
    expect(rows).toEqual([
      { id: a.id, name: "acme ingest key", prefix: a.key.slice(0, 9), key_hash: hashIngestKey(a.key), tenant_id: "acme" },
      { id: b.id, name: "otel collector", prefix: b.key.slice(0, 9), key_hash: hashIngestKey(b.key), tenant_id: null },
    ]);
    expect(JSON.stringify(await t.sql`SELECT * FROM ingest_keys`)).not.toContain(a.key.slice(9));
    expect((await listIngestKeys(t.db)).map((k) => k.id)).toEqual([a.id, b.id]);
  });

  it("are only created for tenants that exist and ids of the valid form", async () => {
    await expect(createIngestKey(t.db, { tenantId: "nosuch" })).rejects.toThrow(new IngestKeyError('There is no tenant "nosuch".'));
    await expect(createIngestKey(t.db, { tenantId: "a/b" })).rejects.toThrow(IngestKeyError);
  });

  it("revoke once, and refuse what is not a key id", async () => {
    const { id } = await createIngestKey(t.db, { tenantId: "acme" });
    expect(await revokeIngestKey(t.db, id)).toBe(true);
    expect(await revokeIngestKey(t.db, id)).toBe(false);
    await expect(revokeIngestKey(t.db, "1; DROP TABLE x")).rejects.toThrow(/not a key id/);
  });
});

describe("KeyAuthenticator", () => {
  it("accepts a live key, refuses unknown and revoked ones, and records last use at most once a minute", async () => {
    const auth = new KeyAuthenticator(t.sql, { cacheMs: 0, touchEveryMs: 60_000 });
    const live = await createIngestKey(t.db, { tenantId: "acme" });
    expect(await auth.check(`Bearer ${live.key}`, 1_000)).toEqual({ ok: true, key: { keyId: live.id, tenantId: "acme" } });
    expect(await auth.check(`bearer   ${live.key}`, 2_000)).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 50));
    const [first] = await t.sql`SELECT last_used_at FROM ingest_keys WHERE id = ${live.id}`;
    expect(first!.last_used_at).toBeInstanceOf(Date);
    await t.sql`UPDATE ingest_keys SET last_used_at = NULL WHERE id = ${live.id}`;
    await auth.check(`Bearer ${live.key}`, 30_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(await t.sql`SELECT last_used_at FROM ingest_keys WHERE id = ${live.id}`).toEqual([{ last_used_at: null }]);

    expect(await auth.check(null)).toMatchObject({ ok: false, status: 401 });
    expect(await auth.check(`Bearer te_${"A".repeat(43)}`)).toEqual({ ok: false, status: 401, message: "Unknown ingest key." });
    await revokeIngestKey(t.db, live.id);
    expect(await auth.check(`Bearer ${live.key}`)).toEqual({ ok: false, status: 403, message: "This ingest key has been revoked." });
  });

  it("trusts a verified key for the cache period only: a revocation bites once it has passed", async () => {
    const auth = new KeyAuthenticator(t.sql, { cacheMs: 5_000, touchEveryMs: 60_000 });
    const key = await createIngestKey(t.db, { tenantId: "acme" });
    expect(await auth.check(`Bearer ${key.key}`, 0)).toMatchObject({ ok: true });
    await revokeIngestKey(t.db, key.id);
    expect(await auth.check(`Bearer ${key.key}`, 4_000)).toMatchObject({ ok: true });
    expect(await auth.check(`Bearer ${key.key}`, 5_001)).toMatchObject({ ok: false, status: 403 });
  });
});
