import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/db/testing/test-db";
import { verifyPassword } from "@/lib/auth/password";
import type { AdminContext } from "./change";
import { createUser, updateUser } from "./users";

let t: TestDatabase;
let admin: AdminContext;
const request = { ip: "198.51.100.9", userAgent: "vitest", requestId: "req-admin-test-1", traceId: null };

beforeAll(async () => {
  t = await createTestDatabase();
  await t.sql`INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex'), ('initech', 'Initech')`;
  const [row] = await t.sql<{ id: string }[]>`INSERT INTO users (email, name, role) VALUES ('root@demo.test', 'Root', 'admin') RETURNING id`;
  admin = { actor: { id: row!.id, email: "root@demo.test", role: "admin" }, request };
});
afterAll(async () => {
  await t.drop();
});

const auditRows = (action: string) =>
  t.sql<{ outcome: string; resource: string; tenants: string[]; details: Record<string, unknown>; actor_email: string; request_id: string }[]>`
    SELECT outcome, resource, tenants, details, actor_email, request_id FROM audit_log WHERE action = ${action} ORDER BY seq`;

const profile = async (id: string) => {
  const [user] = await t.sql`
    SELECT u.role, u.disabled, u.password_hash,
           coalesce(array_agg(s.tenant_id ORDER BY s.tenant_id) FILTER (WHERE s.tenant_id IS NOT NULL), '{}') AS tenants
    FROM users u LEFT JOIN user_tenant_scopes s ON s.user_id = u.id WHERE u.id = ${id} GROUP BY u.id`;
  return user!;
};

describe("createUser", () => {
  it("creates a tenant viewer with a hashed password and audits the new values, never the password", async () => {
    const result = await createUser(t.sql, admin, {
      email: " Vera@Demo.Test ",
      name: "Vera",
      role: "tenant_viewer",
      tenantIds: ["globex", "acme", "acme"],
      signIn: "password",
      password: "initial-password-1",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const user = await profile(result.value.id);
    expect(user).toMatchObject({ role: "tenant_viewer", disabled: false, tenants: ["acme", "globex"] });
    expect(await verifyPassword(user.password_hash, "initial-password-1")).toBe(true);

    const rows = await auditRows("admin.user.create");
    expect(rows).toEqual([
      {
        outcome: "success",
        resource: `user:${result.value.id}`,
        tenants: ["acme", "globex"],
        actor_email: "root@demo.test",
        request_id: "req-admin-test-1",
        details: {
          old: null,
          new: { email: "vera@demo.test", name: "Vera", role: "tenant_viewer", disabled: false, tenantIds: ["acme", "globex"], passwordSignIn: true },
        },
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain("initial-password-1");
    expect(JSON.stringify(rows)).not.toContain("argon2");
  });

  it("creates an account for single sign-on only, with no password", async () => {
    const result = await createUser(t.sql, admin, { email: "sso@demo.test", name: "Sso", role: "investigator", signIn: "oidc" });
    expect(result.ok).toBe(true);
    if (result.ok) expect((await profile(result.value.id)).password_hash).toBeNull();
  });

  it("refuses bad input with a clear message and writes nothing", async () => {
    const [{ before }] = await t.sql<{ before: number }[]>`SELECT count(*)::int AS before FROM users`.then((r) => r as unknown as [{ before: number }]);
    const cases: [Parameters<typeof createUser>[2], string][] = [
      [{ email: "not-an-email", name: "X", role: "auditor", signIn: "oidc" }, "Enter a valid e-mail address."],
      [{ email: "x@demo.test", name: " ", role: "auditor", signIn: "oidc" }, "A name cannot be empty."],
      [{ email: "x@demo.test", name: "X", role: "superuser" as never, signIn: "oidc" }, "Pick one of the roles."],
      [{ email: "x@demo.test", name: "X", role: "auditor", signIn: "password", password: "short" }, "An initial password needs at least 12 characters."],
      [{ email: "x@demo.test", name: "X", role: "tenant_viewer", signIn: "oidc" }, "A tenant viewer needs at least one tenant."],
      [{ email: "x@demo.test", name: "X", role: "tenant_viewer", tenantIds: ["a/b"], signIn: "oidc" }, "A tenant id is"],
    ];
    for (const [input, message] of cases) {
      const result = await createUser(t.sql, admin, input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toContain(message);
    }
    const unknownTenant = await createUser(t.sql, admin, { email: "x@demo.test", name: "X", role: "tenant_viewer", tenantIds: ["nosuch"], signIn: "oidc" });
    expect(unknownTenant).toEqual({ ok: false, error: 'There is no tenant "nosuch".' });
    const duplicate = await createUser(t.sql, admin, { email: "VERA@demo.test", name: "Again", role: "auditor", signIn: "oidc" });
    expect(duplicate).toEqual({ ok: false, error: "A user with the e-mail vera@demo.test already exists." });
    const [{ after }] = (await t.sql`SELECT count(*)::int AS after FROM users`) as unknown as [{ after: number }];
    expect(after).toBe(before);
  });

  it("is refused for a caller who is no longer an admin in the database", async () => {
    const [row] = await t.sql<{ id: string }[]>`INSERT INTO users (email, name, role) VALUES ('former@demo.test', 'Former', 'investigator') RETURNING id`;
    const former: AdminContext = { actor: { id: row!.id, email: "former@demo.test", role: "admin" }, request };
    const result = await createUser(t.sql, former, { email: "y@demo.test", name: "Y", role: "admin", signIn: "oidc" });
    expect(result).toEqual({ ok: false, error: "Your role does not allow administration." });
    expect(await t.sql`SELECT 1 FROM users WHERE email = 'y@demo.test'`).toHaveLength(0);
    expect((await auditRows("admin.user.create")).at(-1)).toMatchObject({ outcome: "failure", actor_email: "former@demo.test" });
  });
});

describe("updateUser", () => {
  it("changes role, scope and the disabled flag, auditing old and new values", async () => {
    const created = await createUser(t.sql, admin, { email: "tom@demo.test", name: "Tom", role: "tenant_viewer", tenantIds: ["acme"], signIn: "oidc" });
    if (!created.ok) throw new Error(created.error);
    const id = created.value.id;

    expect(await updateUser(t.sql, admin, { userId: id, tenantIds: ["globex", "initech"] })).toEqual({ ok: true, value: undefined });
    expect(await profile(id)).toMatchObject({ role: "tenant_viewer", tenants: ["globex", "initech"] });
    expect(await updateUser(t.sql, admin, { userId: id, disabled: true })).toMatchObject({ ok: true });
    expect(await profile(id)).toMatchObject({ disabled: true });
    // Another role sees all tenants or none: the assigned scope goes with the viewer role.
    expect(await updateUser(t.sql, admin, { userId: id, role: "investigator", disabled: false })).toMatchObject({ ok: true });
    expect(await profile(id)).toMatchObject({ role: "investigator", disabled: false, tenants: [] });

    const rows = (await auditRows("admin.user.update")).filter((r) => r.resource === `user:${id}`);
    expect(rows.map((r) => [r.outcome, r.details])).toEqual([
      ["success", { old: { role: "tenant_viewer", disabled: false, tenantIds: ["acme"] }, new: { role: "tenant_viewer", disabled: false, tenantIds: ["globex", "initech"] } }],
      ["success", { old: { role: "tenant_viewer", disabled: false, tenantIds: ["globex", "initech"] }, new: { role: "tenant_viewer", disabled: true, tenantIds: ["globex", "initech"] } }],
      ["success", { old: { role: "tenant_viewer", disabled: true, tenantIds: ["globex", "initech"] }, new: { role: "investigator", disabled: false, tenantIds: [] } }],
    ]);
    expect(rows[0]!.tenants.sort()).toEqual(["acme", "globex", "initech"]);
  });

  it("never lets an admin disable themselves or drop their own admin role", async () => {
    const self = admin.actor.id;
    expect(await updateUser(t.sql, admin, { userId: self, disabled: true })).toEqual({ ok: false, error: "You cannot disable your own account." });
    expect(await updateUser(t.sql, admin, { userId: self, role: "auditor" })).toEqual({ ok: false, error: "You cannot remove your own admin role." });
    expect(await updateUser(t.sql, admin, { userId: self, role: "none" })).toEqual({ ok: false, error: "You cannot remove your own admin role." });
    expect(await profile(self)).toMatchObject({ role: "admin", disabled: false });
    const refusals = (await auditRows("admin.user.update")).filter((r) => r.resource === `user:${self}`);
    expect(refusals.map((r) => [r.outcome, r.details.reason])).toEqual([
      ["failure", "You cannot disable your own account."],
      ["failure", "You cannot remove your own admin role."],
      ["failure", "You cannot remove your own admin role."],
    ]);
  });

  it("refuses unknown users and tenants and changes nothing", async () => {
    const created = await createUser(t.sql, admin, { email: "una@demo.test", name: "Una", role: "tenant_viewer", tenantIds: ["acme"], signIn: "oidc" });
    if (!created.ok) throw new Error(created.error);
    expect(await updateUser(t.sql, admin, { userId: created.value.id, tenantIds: ["acme", "nosuch"] })).toEqual({ ok: false, error: 'There is no tenant "nosuch".' });
    expect(await updateUser(t.sql, admin, { userId: "not-a-uuid" })).toEqual({ ok: false, error: "Unknown user." });
    expect(await updateUser(t.sql, admin, { userId: "00000000-0000-4000-8000-000000000000", disabled: true })).toEqual({ ok: false, error: "There is no such user." });
    expect(await profile(created.value.id)).toMatchObject({ tenants: ["acme"] });
  });

  it("rolls the change back when its audit row cannot be written", async () => {
    const created = await createUser(t.sql, admin, { email: "ria@demo.test", name: "Ria", role: "auditor", signIn: "oidc" });
    if (!created.ok) throw new Error(created.error);
    // A check constraint that refuses this one request's audit row stands in for a failing audit log.
    const broken: AdminContext = { ...admin, request: { ...request, ip: "\u0000" } };
    await t.sql`ALTER TABLE audit_log ADD CONSTRAINT test_refuse_ip CHECK (ip IS DISTINCT FROM '\\u0000')`;
    try {
      await expect(updateUser(t.sql, broken, { userId: created.value.id, disabled: true })).rejects.toThrow(/audit log could not be written/);
    } finally {
      await t.sql`ALTER TABLE audit_log DROP CONSTRAINT test_refuse_ip`;
    }
    expect(await profile(created.value.id)).toMatchObject({ disabled: false });
  });
});
