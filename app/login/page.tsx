import type { Metadata } from "next";
import { LoginForm } from "@/components/shell/login-form";
import { oidc } from "@/lib/auth";
import { signInWithOidc } from "@/lib/auth/actions";
import { loginErrorMessage } from "@/lib/auth/login-errors";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const problem = loginErrorMessage(error);
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="mb-1 text-lg font-semibold">Trace Explorer</h1>
        <p className="mb-5 text-zinc-500">Sign in to browse the platform&apos;s traces.</p>
        {problem && (
          <p role="alert" className="mb-4 text-red-600 dark:text-red-400">
            {problem}
          </p>
        )}
        <LoginForm callbackUrl={callbackUrl ?? "/"} />
        {oidc && (
          <form action={signInWithOidc} className="mt-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <input type="hidden" name="callbackUrl" value={callbackUrl ?? "/"} />
            <button type="submit" className="w-full rounded border border-zinc-300 px-3 py-1.5 font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800">
              Sign in with {oidc.name}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
