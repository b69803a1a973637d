"use server";

import { AuthError } from "next-auth";
import { safeCallbackPath } from "./callback-path";
import { signIn, signOut } from "./index";

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

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}
