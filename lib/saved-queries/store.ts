import "server-only";
import type { TransactionSql } from "postgres";
import type { z } from "zod";
import type { Sql } from "@/db/connect";
import { describeIssues } from "@/lib/validation/issues";
import { recordAudit, type AuditActor, type RequestMeta } from "@/lib/audit/record";
import { deleteQueryInput, MAX_SAVED_QUERIES, saveQueryInput } from "./input";

export interface SavedQuery {
  id: string;
  name: string;
  url: string;
}

/** The signed-in user a change is for, as the gate saw them, and where the request came from. */
export interface SavedQueryContext {
  actor: AuditActor & { id: string };
  request: RequestMeta;
}

export type SavedQueryResult<T> = { ok: true; value: T } | { ok: false; error: string };

type Action = "saved_query.save" | "saved_query.delete";

/**
 * A transaction that names its user for row-level security (migration 0019): under te_app
 * only that user's rows are visible or writable. The queries filter by user as well.
 */
function asUser<T>(sql: Sql, userId: string, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`SELECT set_config('app.user_id', ${userId}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

/** The user's saved queries, by name. */
export function listSavedQueries(sql: Sql, userId: string): Promise<SavedQuery[]> {
  return asUser(sql, userId, (tx) => tx<SavedQuery[]>`SELECT id, name, url FROM saved_queries WHERE user_id = ${userId} ORDER BY lower(name), name`);
}

class Refusal extends Error {}

/**
 * Runs one change and its audit row in one transaction (no row, no change). Bad input and a
 * refusal change nothing and are audited as a failure with the reason.
 */
async function change<I, T>(
  sql: Sql,
  ctx: SavedQueryContext,
  action: Action,
  schema: z.ZodType<I>,
  raw: unknown,
  work: (tx: TransactionSql, input: I) => Promise<{ resource: string; details: Record<string, unknown>; value: T }>,
): Promise<SavedQueryResult<T>> {
  const fail = async (reason: string) => {
    await recordAudit(sql, { actor: ctx.actor, action, resource: "saved_query", outcome: "failure", details: { reason }, request: ctx.request });
    return { ok: false as const, error: reason };
  };
  const input = schema.safeParse(raw);
  if (!input.success) return fail(describeIssues(input.error));
  try {
    const value = await asUser(sql, ctx.actor.id, async (tx) => {
      const done = await work(tx, input.data);
      await recordAudit(tx as unknown as Sql, { actor: ctx.actor, action, resource: done.resource, outcome: "success", details: done.details, request: ctx.request });
      return done.value;
    });
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Refusal) return fail(error.message);
    throw error;
  }
}

/** Saves the query under its name; a name the user already has gets the new URL. */
export function saveQuery(sql: Sql, ctx: SavedQueryContext, raw: unknown): Promise<SavedQueryResult<SavedQuery>> {
  const userId = ctx.actor.id;
  return change(sql, ctx, "saved_query.save", saveQueryInput, raw, async (tx, { name, url }) => {
    // Serialises one user's saves, so the count below cannot be raced past the limit.
    await tx`SELECT 1 FROM users WHERE id = ${userId} FOR NO KEY UPDATE`;
    const [old] = await tx<SavedQuery[]>`SELECT id, name, url FROM saved_queries WHERE user_id = ${userId} AND name = ${name}`;
    if (!old) {
      const [count] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM saved_queries WHERE user_id = ${userId}`;
      if (count!.n >= MAX_SAVED_QUERIES) throw new Refusal(`You have ${MAX_SAVED_QUERIES} saved queries; delete one first.`);
    }
    const [saved] = await tx<SavedQuery[]>`
      INSERT INTO saved_queries (user_id, name, url) VALUES (${userId}, ${name}, ${url})
      ON CONFLICT (user_id, name) DO UPDATE SET url = EXCLUDED.url
      RETURNING id, name, url`;
    return { resource: `saved_query:${saved!.id}`, details: { old: old ? { name: old.name, url: old.url } : null, new: { name, url } }, value: saved! };
  });
}

/** Deletes one of the user's saved queries; another user's id is "not found", as is a missing one. */
export function deleteSavedQuery(sql: Sql, ctx: SavedQueryContext, raw: unknown): Promise<SavedQueryResult<null>> {
  const userId = ctx.actor.id;
  return change(sql, ctx, "saved_query.delete", deleteQueryInput, raw, async (tx, { id }) => {
    const [gone] = await tx<SavedQuery[]>`DELETE FROM saved_queries WHERE id = ${id} AND user_id = ${userId} RETURNING id, name, url`;
    if (!gone) throw new Refusal("That saved query does not exist.");
    return { resource: `saved_query:${id}`, details: { old: { name: gone.name, url: gone.url }, new: null }, value: null };
  });
}
