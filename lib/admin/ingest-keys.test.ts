import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { KeyAuthenticator } from "@/lib/ingest/otlp-http/authenticate";
import type { AdminContext } from "./change";
import { createKey, listKeys, revokeKey } from "./ingest-keys";

let t: TestDatabase;
let admin: AdminContext;
const request = { ip: null, userAgent: "vitest", requestId: null, traceId: null };

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')`;
  const [row] = await t.sql<{ id: string }[]>`INSERT INTO users (email, name, role) VALUES ('root@demo.test', 'Root', 'admin') RETURNING id`;
  admin = { actor: { id: row!.id, email: "root@demo.test", role: "admin" }, request };
});
afterAll(async () => {
  await t.drop();
});

const auditDetails = (action: string) =>
  t.sql<{ outcome: string; tenants: string[]; details: Record<string, unknown> }[]>`
    SELECT outcome, tenants, details FROM audit_log WHERE action = ${action} ORDER BY seq`;

describe("admin ingest keys", () => {
  it("creates a tenant key that works, is listed by prefix only, and is audited without the secret", async () => {
    const created = await createKey(t.sql, admin, { name: "checkout", tenantId: "acme" });
    if (!created.ok) throw new Error(created.error);
    const { key, prefix, id } = created.value;
    expect(key.startsWith(prefix)).toBe(true);

    const auth = new KeyAuthenticator(t.sql, { cacheMs: 0, touchEveryMs: 60_000 });
    expect(await auth.check(`Bearer ${key}`)).toMatchObject({ ok: true });

    const listed = await listKeys(t.sql);
    expect(listed).toEqual([
      expect.objectContaining({ id, name: "checkout", prefix, tenantId: "acme", createdBy: "root@demo.test", revokedAt: null }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(key.slice(prefix.length));

    const rows = await auditDetails("admin.key.create");
    expect(rows).toEqual([{ outcome: "success", tenants: ["acme"], details: { old: null, new: { name: "checkout", prefix, tenantId: "acme", platform: false } } }]);
    expect(JSON.stringify(await t.sql`SELECT details, resource FROM audit_log`)).not.toContain(key.slice(prefix.length));
  });

  it("creates a platform collector key when no tenant is chosen", async () => {
    const created = await createKey(t.sql, admin, { name: "otel collector", tenantId: "" });
    expect(created.ok && created.value.key).toMatch(/^te_/);
    expect((await auditDetails("admin.key.create")).at(-1)?.details.new).toMatchObject({ tenantId: null, platform: true });
  });

  it("revokes a key: it stops working, and old and new state are audited", async () => {
    const created = await createKey(t.sql, admin, { name: "short-lived", tenantId: "acme" });
    if (!created.ok) throw new Error(created.error);
    expect(await revokeKey(t.sql, admin, { keyId: created.value.id })).toEqual({ ok: true, value: undefined });
    const auth = new KeyAuthenticator(t.sql, { cacheMs: 0, touchEveryMs: 60_000 });
    expect(await auth.check(`Bearer ${created.value.key}`)).toMatchObject({ ok: false, status: 403 });

    const [row] = await auditDetails("admin.key.revoke");
    expect(row).toMatchObject({ outcome: "success", tenants: ["acme"], details: { old: { name: "short-lived", revokedAt: null } } });
    expect((row!.details.new as { revokedAt: string }).revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    expect(await revokeKey(t.sql, admin, { keyId: created.value.id })).toEqual({ ok: false, error: `The key ${created.value.prefix}… is already revoked.` });
  });

  it("refuses bad input with a clear message and creates nothing", async () => {
    const before = (await listKeys(t.sql)).length;
    expect(await createKey(t.sql, admin, { name: "", tenantId: "acme" })).toEqual({ ok: false, error: "A key name cannot be empty." });
    expect(await createKey(t.sql, admin, { name: "x", tenantId: "nosuch" })).toEqual({ ok: false, error: 'There is no tenant "nosuch".' });
    expect(await createKey(t.sql, admin, { name: "x", tenantId: "../etc" })).toMatchObject({ ok: false });
    expect(await revokeKey(t.sql, admin, { keyId: "1; DROP TABLE ingest_keys" })).toEqual({ ok: false, error: "Unknown key." });
    expect(await revokeKey(t.sql, admin, { keyId: "00000000-0000-4000-8000-000000000000" })).toEqual({ ok: false, error: "There is no such key." });
    expect((await listKeys(t.sql)).length).toBe(before);
  });
});
