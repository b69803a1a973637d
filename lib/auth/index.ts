import "server-only";
import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { headers } from "next/headers";
import { authConfig } from "./config";
import { getSql } from "@/lib/db/client";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { oidcConfigFrom } from "./oidc-config";
import { oidcProvider, oidcSignIn } from "./oidc-provider";
import { sessionLifecycle } from "./sessions";
import { checkCredentials } from "./sign-in";
import { findUserForSignIn } from "./users";

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()),
  password: z.string().min(1).max(1024),
});

/** Single sign-on, when AUTH_OIDC_ISSUER is set; the login page shows its button only then. */
export const oidc = oidcConfigFrom(process.env);

const auditRequest = async () => requestMetaFrom(await headers());
const sessions = sessionLifecycle({ sql: getSql, request: auditRequest });

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  // Auth.js errors (a refused single sign-on, a missing CSRF token) land on the login form.
  pages: { ...authConfig.pages, error: "/login" },
  callbacks: {
    ...authConfig.callbacks,
    jwt: sessions.jwt,
    ...(oidc && { signIn: oidcSignIn({ sql: getSql, config: oidc, request: auditRequest }) }),
  },
  events: { signOut: sessions.signOut },
  logger: {
    // A wrong password is an expected outcome, answered on the form; not a server error.
    error(error) {
      if ((error as { type?: string }).type === "CredentialsSignin") return;
      console.error(`[auth] ${error.name}: ${error.message}`);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { type: "email" }, password: { type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const result = await checkCredentials(getSql(), findUserForSignIn, email, password, requestMetaFrom(request.headers));
        // One answer for every failure, so a caller cannot tell which part was wrong.
        return result.ok ? { id: result.user.id, email: result.user.email, name: result.user.name } : null;
      },
    }),
    ...(oidc ? [oidcProvider(oidc)] : []),
  ],
});
