import "server-only";
import { z } from "zod";
import type { Sql } from "@/db/connect";
import type { UserRole } from "@/db/schema";
import { recordAudit, type RequestMeta } from "@/lib/audit/record";
import type { OidcConfig } from "./oidc-config";
import { claimedRole, decideRole } from "./oidc-roles";

export type OidcSignInOutcome = { ok: true; userId: string } | { ok: false; reason: "unverified_email" | "unknown_account" | "disabled" };

const idTokenClaims = z.looseObject({
  email: z.string().trim().toLowerCase().max(320).pipe(z.email()).optional(),
  // Some providers send the flag as a string.
  email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional(),
});

/**
 * Decides a single sign-on: the account is the database user with the token's e-mail, and
 * only when the provider says that e-mail is verified. There is no self-registration: an
 * admin creates the account first. A configured role claim may lower the database role,
 * never raise it (oidc-roles.ts). Every outcome writes an audit row, like the password path.
 */
export async function completeOidcSignIn(
  sql: Sql,
  config: Pick<OidcConfig, "issuer" | "roleClaim" | "roleMap">,
  rawClaims: Record<string, unknown>,
  request: RequestMeta,
): Promise<OidcSignInOutcome> {
  const claims = idTokenClaims.safeParse(rawClaims);
  const email = claims.success ? (claims.data.email ?? null) : null;
  const base = { method: "oidc", issuer: config.issuer };
  const fail = async (reason: Exclude<OidcSignInOutcome, { ok: true }>["reason"], user?: { id: string; role: UserRole | null }) => {
    await recordAudit(sql, {
      actor: { id: user?.id ?? null, email, role: user?.role ?? null },
      action: "auth.sign_in",
      outcome: "failure",
      details: { ...base, reason },
      request,
    });
    return { ok: false as const, reason };
  };

  if (!email || claims.data?.email_verified !== true) return fail("unverified_email");
  const [user] = await sql<{ id: string; role: UserRole | null; disabled: boolean }[]>`
    SELECT id, role, disabled FROM users WHERE email = ${email}`;
  if (!user) return fail("unknown_account");
  if (user.disabled) return fail("disabled", user);

  const claimed = claimedRole(rawClaims, config);
  const decision = decideRole(user.role, claimed);
  const actor = { id: user.id, email, role: user.role };
  let role = user.role;
  if (decision.kind === "lower") {
    await sql.begin(async (tx) => {
      await tx`UPDATE users SET role = ${decision.role} WHERE id = ${user.id}`;
      await recordAudit(tx as unknown as Sql, {
        actor,
        action: "auth.oidc.role_sync",
        resource: `user:${user.id}`,
        outcome: "success",
        details: { ...base, claim: claimed.present ? claimed.values : [], old: { role: user.role }, new: { role: decision.role } },
        request,
      });
    });
    role = decision.role;
  } else if (decision.kind === "refuse") {
    await recordAudit(sql, {
      actor,
      action: "auth.oidc.role_sync",
      resource: `user:${user.id}`,
      outcome: "denied",
      details: { ...base, claim: claimed.present ? claimed.values : [], claimed: decision.claimed, granted: user.role },
      request,
    });
  }
  await recordAudit(sql, { actor: { ...actor, role }, action: "auth.sign_in", outcome: "success", details: base, request });
  return { ok: true, userId: user.id };
}
