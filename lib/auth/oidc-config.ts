import { z } from "zod";
import { userRole, type UserRole } from "@/db/schema";

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  /** The button label on the login page. */
  name: string;
  /** The ID-token claim that carries the user's role or groups; null: roles come from the database only. */
  roleClaim: string | null;
  /** Claim value → role (null: no role). Empty: claim values are role names themselves. */
  roleMap: ReadonlyMap<string, UserRole | null>;
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

const roleName = z.enum([...userRole.enumValues, "none"]).transform((r) => (r === "none" ? null : r));

const schema = z.object({
  // The ID token's signature is not checked when it comes straight from the token endpoint
  // (OIDC Core 3.1.3.7): TLS authenticates it, so plain http is only for an issuer on this machine.
  AUTH_OIDC_ISSUER: z
    .url({ protocol: /^https?$/, error: "AUTH_OIDC_ISSUER must be the issuer's https URL" })
    .refine((url) => url.startsWith("https:") || LOOPBACK.test(new URL(url).hostname), "AUTH_OIDC_ISSUER must use https (http only for localhost)"),
  AUTH_OIDC_CLIENT_ID: z.string({ error: "AUTH_OIDC_CLIENT_ID is required with AUTH_OIDC_ISSUER" }).min(1, "AUTH_OIDC_CLIENT_ID is required with AUTH_OIDC_ISSUER"),
  AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AUTH_OIDC_NAME: z.string().trim().min(1).max(60).default("Single sign-on"),
  AUTH_OIDC_ROLE_CLAIM: z.string().trim().min(1).optional(),
  // "engineering-oncall=investigator,auditors=auditor"
  AUTH_OIDC_ROLE_MAP: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const map = new Map<string, UserRole | null>();
      for (const pair of (raw ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
        const at = pair.lastIndexOf("=");
        const role = roleName.safeParse(pair.slice(at + 1).trim());
        if (at <= 0 || !role.success) {
          ctx.addIssue({ code: "custom", message: `AUTH_OIDC_ROLE_MAP: "${pair}" is not value=role (roles: ${userRole.enumValues.join(", ")}, none)` });
          return z.NEVER;
        }
        map.set(pair.slice(0, at).trim(), role.data);
      }
      return map;
    }),
});

/**
 * The single sign-on provider from the environment, or null when AUTH_OIDC_ISSUER is unset (the
 * login page then shows no button). A half-configured provider is an error, not a silent no.
 */
export function oidcConfigFrom(env: Record<string, string | undefined>): OidcConfig | null {
  if (!env.AUTH_OIDC_ISSUER) return null;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid single sign-on settings: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  const c = parsed.data;
  return {
    issuer: c.AUTH_OIDC_ISSUER,
    clientId: c.AUTH_OIDC_CLIENT_ID,
    clientSecret: c.AUTH_OIDC_CLIENT_SECRET,
    name: c.AUTH_OIDC_NAME,
    roleClaim: c.AUTH_OIDC_ROLE_CLAIM ?? null,
    roleMap: c.AUTH_OIDC_ROLE_MAP,
  };
}
