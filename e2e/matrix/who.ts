import type { Browser, APIRequestContext } from "@playwright/test";
import { demoLogin, signIn } from "../fixtures/demo";
import { createUser } from "../../lib/auth/testing/users";
import { e2eDatabase } from "../fixtures/db";

/** Everyone the matrix asks on behalf of: each role, a user with no role, and no session. */
export const WHO = ["admin", "investigator", "tenant_viewer", "auditor", "no_role", "anonymous"] as const;
export type Who = (typeof WHO)[number];

const NO_ROLE = { email: "matrix-norole@demo.test", password: "matrix-norole-password-1", role: null };

/** A request context signed in as `who` through the login form (anonymous: none). */
export async function requestAs(browser: Browser, who: Who, baseURL: string): Promise<APIRequestContext> {
  const context = await browser.newContext({ baseURL });
  if (who !== "anonymous") {
    if (who === "no_role") {
      const sql = e2eDatabase();
      await createUser(sql, NO_ROLE);
      await sql.end();
    }
    const page = await context.newPage();
    await signIn(page, who === "no_role" ? NO_ROLE : demoLogin(who));
    await page.close();
  }
  return context.request;
}
