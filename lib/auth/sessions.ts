import "server-only";
import type { JWT } from "next-auth/jwt";
import { z } from "zod";
import type { Sql } from "@/db/connect";
import { recordAudit, type RequestMeta } from "@/lib/audit/record";
import { authConfig } from "./config";

const uuid = z.uuid();

/** Opens a session for the user that ends `lifetimeSeconds` from now, whatever happens later. */
export async function startSession(sql: Sql, userId: string, lifetimeSeconds: number): Promise<{ id: string; expiresAt: number }> {
  const [row] = await sql<{ id: string; expiresAt: number }[]>`
    INSERT INTO auth_sessions (user_id, expires_at) VALUES (${userId}, now() + make_interval(secs => ${lifetimeSeconds}))
    RETURNING id, extract(epoch FROM expires_at)::float8 AS "expiresAt"`;
  return row!;
}

/** True while the session is the user's, not ended and not past its absolute end. */
export async function sessionIsLive(sql: Sql, sessionId: unknown, userId: string): Promise<boolean> {
  const id = uuid.safeParse(sessionId);
  if (!id.success) return false;
  const rows = await sql`
    SELECT 1 FROM auth_sessions
    WHERE id = ${id.data} AND user_id = ${userId} AND ended_at IS NULL AND expires_at > now()`;
  return rows.length === 1;
}

export interface SessionDeps {
  sql: () => Sql;
  /** The sign-out request's audit fields. */
  request: () => Promise<RequestMeta>;
}

/**
 * The server's half of the session lifecycle, for Auth.js: signing in opens an auth_sessions
 * row whose id and end go into the JWT; signing out (Auth.js's POST /api/auth/signout and the
 * UI action, which goes through the same code) ends that row and writes `auth.sign_out`.
 */
export function sessionLifecycle(deps: SessionDeps) {
  return {
    async jwt(params: Parameters<typeof authConfig.callbacks.jwt>[0]): Promise<JWT | null> {
      if (params.user?.id) {
        const session = await startSession(deps.sql(), params.user.id, authConfig.session.maxAge);
        params.token.sid = session.id;
        params.token.sessionExpiresAt = session.expiresAt;
      }
      return authConfig.callbacks.jwt(params);
    },
    async signOut(message: { token?: JWT | null } | { session?: unknown }): Promise<void> {
      const token = "token" in message ? message.token : null;
      const userId = uuid.safeParse(token?.sub);
      if (!userId.success) return;
      const sql = deps.sql();
      const sessionId = uuid.safeParse(token?.sid);
      const ended = sessionId.success
        ? await sql`UPDATE auth_sessions SET ended_at = now() WHERE id = ${sessionId.data} AND ended_at IS NULL RETURNING 1`
        : [];
      const [user] = await sql<{ email: string; role: string | null }[]>`SELECT email, role FROM users WHERE id = ${userId.data}`;
      await recordAudit(sql, {
        actor: { id: userId.data, email: user?.email ?? null, role: user?.role ?? null },
        action: "auth.sign_out",
        outcome: "success",
        // A cookie whose session had already ended (or a pre-session cookie) signs nothing out.
        details: ended.length === 1 ? {} : { reason: "session_already_ended" },
        request: await deps.request(),
      });
    },
  };
}
