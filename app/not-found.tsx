import type { Metadata } from "next";
import { getCurrentUser } from "@/lib/auth/current-user";
import { AppShell } from "@/components/shell/app-shell";
import { PageNotFound } from "@/components/shell/dead-end";

export const metadata: Metadata = { title: "Page not found" };

/**
 * Any unknown address. Rendered per request (reading the session makes it so), which also lets
 * Next put this response's CSP nonce on its scripts; a prerendered 404 carried none, and the
 * browser blocked every script of it.
 */
export default async function NotFound() {
  const user = await getCurrentUser();
  if (!user) return <main className="p-4"><PageNotFound /></main>;
  return (
    <AppShell user={user}>
      <PageNotFound />
    </AppShell>
  );
}
