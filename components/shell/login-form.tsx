"use client";

import { useActionState } from "react";
import { signInWithCredentials, type SignInState } from "@/lib/auth/actions";

const input =
  "w-full rounded border border-zinc-300 bg-white px-2.5 py-1.5 outline-none focus:border-sky-500 dark:border-zinc-700 dark:bg-zinc-950";

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInWithCredentials, {});
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label className="block space-y-1">
        <span className="text-zinc-600 dark:text-zinc-400">E-mail</span>
        <input name="email" type="email" autoComplete="username" required className={input} />
      </label>
      <label className="block space-y-1">
        <span className="text-zinc-600 dark:text-zinc-400">Password</span>
        <input name="password" type="password" autoComplete="current-password" required className={input} />
      </label>
      {state.error && (
        <p role="alert" className="text-red-600 dark:text-red-400">
          {state.error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
