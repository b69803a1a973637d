import type { Sql } from "@/db/connect";
import { recordAudit, type RequestMeta } from "@/lib/audit/record";
import { verifyPassword } from "./password";
import { SignInThrottle } from "./sign-in-limits";
import type { User } from "@/db/schema";

export type SignInOutcome = { ok: true; user: User } | { ok: false; reason: "invalid" | "throttled" };

/**
 * Checks credentials and audits the attempt. Every failure looks the same to the caller, and
 * throttled attempts (lib/auth/sign-in-limits.ts) are refused before the password is even checked.
 */
export async function checkCredentials(
  sql: Sql,
  findUser: (email: string) => Promise<User | undefined>,
  email: string,
  password: string,
  request: RequestMeta,
): Promise<SignInOutcome> {
  const audit = (outcome: "success" | "failure" | "denied", user: User | undefined, reason?: string) =>
    recordAudit(sql, {
      actor: { id: user?.id ?? null, email, role: user?.role ?? null },
      action: "auth.sign_in",
      outcome,
      details: reason ? { reason } : {},
      request,
    });

  const throttle = new SignInThrottle(sql, email, request.ip);
  if (!(await throttle.reserve())) {
    await audit("denied", undefined, "throttled");
    return { ok: false, reason: "throttled" };
  }
  const user = await findUser(email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !passwordOk || user.disabled) {
    await throttle.failed();
    await audit("failure", undefined, !user ? "unknown_account" : user.disabled ? "disabled" : "wrong_password");
    return { ok: false, reason: "invalid" };
  }
  await throttle.succeeded();
  await audit("success", user);
  return { ok: true, user };
}
