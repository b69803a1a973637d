import "server-only";
import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";
import type { UserRole } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { AdminRefusal, applyAdminChange, refused, type AdminContext, type AdminResult } from "./change";
import { createUserInput, firstProblem, updateUserInput, type CreateUserInput, type UpdateUserInput } from "./input";

type Tx = TransactionSql;

/** What the audit log keeps of a user: never the password or its hash. */
interface UserSnapshot {
  role: UserRole | null;
  disabled: boolean;
  tenantIds: string[];
}

const UNIQUE_VIOLATION = "23505";

async function requireTenants(tx: Tx, tenantIds: readonly string[]): Promise<void> {
  if (tenantIds.length === 0) return;
  const found = await tx<{ id: string }[]>`SELECT id FROM tenants WHERE id = ANY(${tenantIds as string[]})`;
  const missing = tenantIds.find((id) => !found.some((row) => row.id === id));
  if (missing) throw new AdminRefusal(`There is no tenant "${missing}".`);
}

async function setScope(tx: Tx, userId: string, tenantIds: readonly string[]): Promise<void> {
  await tx`DELETE FROM user_tenant_scopes WHERE user_id = ${userId}`;
  if (tenantIds.length > 0) {
    await tx`INSERT INTO user_tenant_scopes ${tx(tenantIds.map((tenantId) => ({ user_id: userId, tenant_id: tenantId })))}`;
  }
}

/**
 * Creates a user with a role and, for a tenant viewer, their tenants. Without a password the
 * account can sign in only through single sign-on (OIDC).
 */
export async function createUser(sql: Sql, ctx: AdminContext, raw: CreateUserInput): Promise<AdminResult<{ id: string }>> {
  const parsed = createUserInput.safeParse(raw);
  if (!parsed.success) return refused(firstProblem(parsed.error));
  const input = parsed.data;
  // Tenant scope is meaningful only for tenant viewers; other roles keep none.
  const tenantIds = input.role === "tenant_viewer" ? input.tenantIds : [];
  const passwordHash = input.signIn === "password" ? await hashPassword(input.password ?? "") : null;
  try {
    return await applyAdminChange(sql, ctx, { action: "admin.user.create", resource: `user:${input.email}` }, async (tx) => {
      await requireTenants(tx, tenantIds);
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO users (email, name, password_hash, role)
        VALUES (${input.email}, ${input.name}, ${passwordHash}, ${input.role})
        RETURNING id`;
      await setScope(tx, row!.id, tenantIds);
      return {
        value: { id: row!.id },
        change: {
          resource: `user:${row!.id}`,
          tenants: tenantIds,
          old: null,
          new: { email: input.email, name: input.name, role: input.role, disabled: false, tenantIds, passwordSignIn: passwordHash !== null },
        },
      };
    });
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) return refused(`A user with the e-mail ${input.email} already exists.`);
    throw error;
  }
}

/**
 * Changes a user's role, tenant scope or disabled flag. Each takes effect on the user's next
 * request, because every request reads them from the database. An admin can neither disable
 * themselves nor give up their own admin role, so nobody locks themselves out.
 */
export async function updateUser(sql: Sql, ctx: AdminContext, raw: UpdateUserInput): Promise<AdminResult> {
  const parsed = updateUserInput.safeParse(raw);
  if (!parsed.success) return refused(firstProblem(parsed.error));
  const input = parsed.data;
  return applyAdminChange(sql, ctx, { action: "admin.user.update", resource: `user:${input.userId}` }, async (tx) => {
    await tx`SELECT 1 FROM users WHERE id = ${input.userId} FOR UPDATE`;
    const [user] = await tx<{ role: UserRole | null; disabled: boolean; tenant_ids: string[] }[]>`
      SELECT u.role, u.disabled,
             coalesce(array_agg(s.tenant_id ORDER BY s.tenant_id) FILTER (WHERE s.tenant_id IS NOT NULL), '{}') AS tenant_ids
      FROM users u LEFT JOIN user_tenant_scopes s ON s.user_id = u.id
      WHERE u.id = ${input.userId}
      GROUP BY u.id`;
    if (!user) throw new AdminRefusal("There is no such user.");

    const old: UserSnapshot = { role: user.role, disabled: user.disabled, tenantIds: user.tenant_ids };
    const role = input.role === undefined ? old.role : input.role;
    const next: UserSnapshot = {
      role,
      disabled: input.disabled ?? old.disabled,
      tenantIds: role === "tenant_viewer" ? (input.tenantIds ?? old.tenantIds) : [],
    };
    if (input.userId === ctx.actor.id && next.disabled) throw new AdminRefusal("You cannot disable your own account.");
    if (input.userId === ctx.actor.id && next.role !== "admin") throw new AdminRefusal("You cannot remove your own admin role.");
    await requireTenants(tx, next.tenantIds);

    await tx`UPDATE users SET role = ${next.role}, disabled = ${next.disabled} WHERE id = ${input.userId}`;
    if (next.tenantIds.join(",") !== old.tenantIds.join(",")) await setScope(tx, input.userId, next.tenantIds);
    return {
      value: undefined,
      change: {
        resource: `user:${input.userId}`,
        tenants: [...new Set([...old.tenantIds, ...next.tenantIds])],
        old: { ...old },
        new: { ...next },
      },
    };
  });
}
