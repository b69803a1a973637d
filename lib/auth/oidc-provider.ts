import type { NextAuthConfig } from "next-auth";
import type { OIDCConfig } from "next-auth/providers";
import type { Profile } from "next-auth";
import type { Sql } from "@/db/connect";
import type { RequestMeta } from "@/lib/audit/record";
import type { OidcConfig } from "./oidc-config";
import { completeOidcSignIn } from "./oidc-sign-in";

export const OIDC_PROVIDER_ID = "oidc";

/** A generic OpenID Connect provider: discovery from the issuer, PKCE, state and nonce checked. */
export function oidcProvider(config: OidcConfig): OIDCConfig<Profile> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oidc",
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    client: config.clientSecret ? undefined : { token_endpoint_auth_method: "none" },
    checks: ["pkce", "state", "nonce"],
    authorization: { params: { scope: "openid email profile" } },
    // Not a database id on purpose: only the signIn callback below, after checking the verified
    // e-mail against the users table, puts the account's id on the user.
    profile: (profile) => ({ id: `oidc:${profile.sub ?? ""}`, email: profile.email ?? null, name: profile.name ?? null }),
  };
}

type SignInCallback = NonNullable<NonNullable<NextAuthConfig["callbacks"]>["signIn"]>;

/**
 * Auth.js's signIn callback for single sign-on; other providers pass through. On success the
 * user's id becomes the database account's id (Auth.js hands this same object to the jwt
 * callback); if it ever did not, the token would carry a non-UUID and count as signed out.
 */
export function oidcSignIn(deps: { sql: () => Sql; config: OidcConfig; request: () => Promise<RequestMeta> }): SignInCallback {
  return async ({ user, account, profile }) => {
    if (account?.provider !== OIDC_PROVIDER_ID) return true;
    const result = await completeOidcSignIn(deps.sql(), deps.config, (profile ?? {}) as Record<string, unknown>, await deps.request());
    if (!result.ok) return false;
    user.id = result.userId;
    return true;
  };
}
