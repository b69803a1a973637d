"use server";

import { AuthError } from "next-auth";
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

/** Ends the session server-side and writes `auth.sign_out` (both in Auth.js's sign-out event). */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
