import type { NextAuthConfig } from "next-auth";
import { sessionLifetimeSeconds, withinLifetime } from "./session-lifetime";

declare module "next-auth" {
  interface Session {
    /** The auth_sessions row this cookie stands for (lib/auth/sessions.ts). */
    sessionId?: string;
  }
}

/**
 * The part of the Auth.js configuration that needs no database, shared by the proxy and
 * the server. The JWT carries the user id, its session id and the session's absolute end:
 * role, scope, the disabled flag and whether the session was ended are read from the database
 * on every request (lib/auth/current-user.ts), so revoking and signing out are immediate.
 */
export const authConfig = {
  pages: { signIn: "/login" },
  session: { strategy: "jwt", maxAge: sessionLifetimeSeconds(process.env) },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      // Auth.js re-signs the cookie with a later expiry on every read; this end never moves.
      return withinLifetime(token.sessionExpiresAt) ? token : null;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      if (typeof token.sid === "string") session.sessionId = token.sid;
      return session;
    },
  },
} satisfies NextAuthConfig;
