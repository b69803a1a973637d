import "server-only";
import type { TransactionSql } from "postgres";
import type { Sql } from "@/db/connect";
import { recordAudit, type AuditActor, type RequestMeta } from "@/lib/audit/record";

/** Who makes an admin change and from where: the signed-in admin as the gate saw them. */
export interface AdminContext {
  actor: AuditActor & { id: string };
  request: RequestMeta;
}

export type AdminResult<T = undefined> = { ok: true; value: T } | { ok: false; error: string };

export const refused = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** Thrown inside a change's transaction to roll it back and answer with a message. */
export class AdminRefusal extends Error {
  override readonly name = "AdminRefusal";
}

type Tx = TransactionSql;

interface Change {
  action: "admin.user.create" | "admin.user.update" | "admin.key.create" | "admin.key.revoke";
  resource: string;
  tenants?: readonly string[];
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
}

/**
 * Runs an admin change and its audit row in one transaction: if the row cannot be written the
 * change is rolled back. The admin is checked again under a row lock inside the transaction,
 * so an admin demoted or disabled a moment ago (or two admins demoting each other) cannot slip
 * a change through. A refusal is audited too, as a failure with its reason.
 */
export async function applyAdminChange<T>(
  sql: Sql,
  ctx: AdminContext,
  attempt: { action: Change["action"]; resource: string },
  work: (tx: Tx) => Promise<{ change: Omit<Change, "action">; value: T }>,
): Promise<AdminResult<T>> {
  try {
    const value = await sql.begin(async (tx) => {
      const [actor] = await tx<{ role: string | null; disabled: boolean }[]>`
        SELECT role, disabled FROM users WHERE id = ${ctx.actor.id} FOR SHARE`;
      if (!actor || actor.disabled || actor.role !== "admin") throw new AdminRefusal("Your role does not allow administration.");
      const { change, value } = await work(tx);
      await recordAudit(tx as unknown as Sql, {
        actor: ctx.actor,
        action: attempt.action,
        resource: change.resource,
        tenants: change.tenants,
        outcome: "success",
        details: { old: change.old, new: change.new },
        request: ctx.request,
      });
      return value;
    });
    return { ok: true, value: value as T };
  } catch (error) {
    if (!(error instanceof AdminRefusal)) throw error;
    await recordAudit(sql, {
      actor: ctx.actor,
      action: attempt.action,
      resource: attempt.resource,
      outcome: "failure",
      details: { reason: error.message },
      request: ctx.request,
    });
    return refused(error.message);
  }
}
