"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { getSql } from "@/db/client";
import { recordAudit } from "@/lib/audit/record";
import { requestMetaFrom } from "@/lib/audit/request-meta";
import { getCurrentUser } from "./current-user";
import { safeCallbackPath } from "./callback-path";
import { oidc, signIn, signOut } from "./index";
import { OIDC_PROVIDER_ID } from "./oidc-provider";

export interface SignInState {
  error?: string;
}

export async function signInWithCredentials(_prev: SignInState, form: FormData): Promise<SignInState> {
  try {
    await signIn("credentials", {
      email: form.get("email"),
      password: form.get("password"),
      redirectTo: safeCallbackPath(form.get("callbackUrl")),
    });
    return {};
  } catch (error) {
    if (error instanceof AuthError) return { error: "Wrong e-mail or password." };
    throw error;
  }
}

/** Starts single sign-on; Auth.js redirects to the identity provider. */
export async function signInWithOidc(form: FormData): Promise<void> {
  if (!oidc) throw new Error("Single sign-on is not configured.");
  await signIn(OIDC_PROVIDER_ID, { redirectTo: safeCallbackPath(form.get("callbackUrl")) });
}

export async function signOutAction(): Promise<void> {
  const user = await getCurrentUser();
  if (user) {
    await recordAudit(getSql(), {
      actor: { id: user.id, email: user.email, role: user.role },
      action: "auth.sign_out",
      outcome: "success",
      request: requestMetaFrom(await headers()),
    });
  }
  await signOut({ redirectTo: "/login" });
}
