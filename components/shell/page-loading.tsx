import { PageHeader } from "./page-header";

/** A route's loading state: shown at once on navigation while the server renders the page. */
export function PageLoading({ title }: { title: string }) {
  return (
    <div role="status" aria-live="polite" data-testid="route-loading">
      <PageHeader title={title} />
      <p className="mb-3 text-zinc-500">Loading {title.toLowerCase()}…</p>
      <div className="space-y-2" aria-hidden="true">
        <div className="h-8 w-2/3 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
        <div className="h-40 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
        <div className="h-24 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
      </div>
    </div>
  );
}
