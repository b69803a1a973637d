"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { getSql } from "@/lib/db/client";
import { isTransientDatabaseError } from "@/db/errors";
import { AuditWriteError } from "@/lib/audit/record";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { authorize } from "@/lib/auth/gate";
import { deleteSavedQuery, saveQuery, type SavedQueryContext, type SavedQueryResult } from "./store";

/** What the save and delete forms show after their action. */
export interface SavedQueryFormState {
  error?: string;
  message?: string;
  /** Bumped on every success, so a form can reset itself. */
  done?: number;
}

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
};

/**
 * The gate decides (and writes its audit row), then the store validates and writes the change
 * with its own audit row in one transaction. Failures answer on the form and change nothing.
 */
async function savedQueryChange<T>(
  audit: "saved_query.save" | "saved_query.delete",
  run: (ctx: SavedQueryContext) => Promise<SavedQueryResult<T>>,
  message: (value: T) => string,
): Promise<SavedQueryFormState> {
  try {
    const decision = await authorize("traces:read", { audit, resource: "saved_query" });
    if (!decision.allowed) {
      return { error: decision.reason === "signed-out" ? "Your session has ended. Sign in again." : "Your role does not allow saved queries." };
    }
    const { id, email, role } = decision.user;
    const result = await run({ actor: { id, email, role }, request: requestMetaFrom(await headers()) });
    if (!result.ok) return { error: result.error };
    revalidatePath("/traces");
    return { message: message(result.value), done: Date.now() };
  } catch (error) {
    if (error instanceof AuditWriteError) return { error: "The audit log could not be written, so nothing was saved." };
    if (isTransientDatabaseError(error)) return { error: "The database is not reachable right now; nothing was saved. Try again shortly." };
    throw error;
  }
}

export async function saveQueryAction(_prev: SavedQueryFormState, form: FormData): Promise<SavedQueryFormState> {
  return savedQueryChange(
    "saved_query.save",
    (ctx) => saveQuery(getSql(), ctx, { name: field(form, "name"), url: field(form, "url") }),
    (q) => `Saved "${q.name}".`,
  );
}

export async function deleteQueryAction(_prev: SavedQueryFormState, form: FormData): Promise<SavedQueryFormState> {
  return savedQueryChange("saved_query.delete", (ctx) => deleteSavedQuery(getSql(), ctx, { id: field(form, "id") }), () => "Deleted.");
}
