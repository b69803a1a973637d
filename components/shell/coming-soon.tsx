import { pageAccess } from "@/lib/auth/guard";
import type { Action } from "@/lib/auth/roles";
import { NoAccess } from "./no-access";
import { PageHeader } from "./page-header";

/**
 * A section whose views are not built yet: checks access like a real page, then says so
 * plainly instead of showing empty charts.
 */
export async function ComingSoon({ action, title, description }: { action: Action; title: string; description: string }) {
  const access = await pageAccess(action, { audit: `${title.toLowerCase()}.view`, resource: `/${title.toLowerCase()}` });
  if (!access.allowed) return <NoAccess what="this section" />;
  return (
    <>
      <PageHeader title={title} />
      <p className="max-w-xl text-zinc-600 dark:text-zinc-400">{description}</p>
      <p className="mt-2 text-zinc-500">This view is not available yet.</p>
    </>
  );
}
