"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { getSql } from "@/lib/db/client";
import { isTransientDatabaseError } from "@/db/errors";
import { AuditWriteError } from "@/lib/audit/record";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { authorize } from "@/lib/auth/gate";
import { refused, type AdminContext, type AdminResult } from "./change";
import type { AdminFormState } from "./form-state";
import { createKey, revokeKey } from "./ingest-keys";
import { createUser, updateUser } from "./users";

type AdminAudit = "admin.user.create" | "admin.user.update" | "admin.key.create" | "admin.key.revoke";

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};
// Strings straight from the form; the lib functions validate them with their zod schemas.
const list = (form: FormData, name: string) => form.getAll(name).filter((v): v is string => typeof v === "string");

/**
 * Every admin change: the gate decides and writes its audit row (allowed or denied), then the
 * change runs with a second audit row carrying the old and new values in the same
 * transaction (lib/admin/change.ts). Failures answer on the form and change nothing.
 */
async function adminChange<T>(
  audit: AdminAudit,
  resource: string,
  path: string,
  run: (ctx: AdminContext) => Promise<AdminResult<T>>,
  success: (value: T) => AdminFormState,
): Promise<AdminFormState> {
  try {
    const decision = await authorize("admin", { audit, resource });
    if (!decision.allowed) {
      return { error: decision.reason === "signed-out" ? "Your session has ended. Sign in again." : "Your role does not allow administration." };
    }
    const { id, email, role } = decision.user;
    const result = await run({ actor: { id, email, role }, request: requestMetaFrom(await headers()) });
    if (!result.ok) return { error: result.error };
    revalidatePath(path);
    return { ...success(result.value), done: Date.now() };
  } catch (error) {
    if (error instanceof AuditWriteError) return { error: "The audit log could not be written, so nothing was changed." };
    if (isTransientDatabaseError(error)) return { error: "The database is not reachable right now; nothing was changed. Try again shortly." };
    throw error;
  }
}

export async function createUserAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const email = text(form, "email") ?? "";
  return adminChange(
    "admin.user.create",
    "users",
    "/admin/users",
    (ctx) =>
      createUser(getSql(), ctx, {
        email,
        name: text(form, "name") ?? "",
        role: (text(form, "role") ?? "") as never,
        tenantIds: list(form, "tenantIds"),
        signIn: (text(form, "signIn") ?? "") as never,
        password: text(form, "password") || undefined,
      }),
    () => ({ message: `Created ${email.trim().toLowerCase()}.` }),
  );
}

export async function updateUserAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const userId = text(form, "userId") ?? "";
  return adminChange(
    "admin.user.update",
    `user:${userId}`,
    "/admin/users",
    (ctx) => updateUser(getSql(), ctx, { userId, role: (text(form, "role") ?? "") as never, tenantIds: list(form, "tenantIds") }),
    () => ({ message: "Saved." }),
  );
}

const disabledField = z.enum(["true", "false"]).transform((v) => v === "true");

export async function setDisabledAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const userId = text(form, "userId") ?? "";
  const disabled = disabledField.safeParse(text(form, "disabled"));
  return adminChange(
    "admin.user.update",
    `user:${userId}`,
    "/admin/users",
    (ctx) => (disabled.success ? updateUser(getSql(), ctx, { userId, disabled: disabled.data }) : Promise.resolve(refused("Choose enable or disable."))),
    () => ({ message: disabled.data ? "Disabled." : "Enabled." }),
  );
}

export async function createKeyAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  return adminChange(
    "admin.key.create",
    "ingest_key",
    "/admin/ingest-keys",
    (ctx) => createKey(getSql(), ctx, { name: text(form, "name") ?? "", tenantId: text(form, "tenantId") ?? "" }),
    ({ key, prefix }) => ({ message: `Created key ${prefix}…`, newKey: { key, prefix } }),
  );
}

export async function revokeKeyAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const keyId = text(form, "keyId") ?? "";
  return adminChange(
    "admin.key.revoke",
    `ingest_key:${keyId}`,
    "/admin/ingest-keys",
    (ctx) => revokeKey(getSql(), ctx, { keyId }),
    () => ({ message: "Revoked." }),
  );
}
