import Link from "next/link";

/** A page that leads nowhere (not found, an error): what happened, and the ways on. */
export function DeadEnd({ title, children, actions }: { title: string; children: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mx-auto mt-16 max-w-md rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900" data-testid="dead-end">
      <h1 className="mb-1 font-semibold">{title}</h1>
      <div className="text-zinc-700 dark:text-zinc-300">{children}</div>
      <p className="mt-4 flex gap-4">
        {actions}
        <Link href="/" prefetch={false} className="text-sky-700 hover:underline dark:text-sky-400">
          Back to Trace Explorer
        </Link>
      </p>
    </div>
  );
}

export function PageNotFound() {
  return (
    <DeadEnd title="Page not found">
      <p>There is no page at this address. It may have been mistyped, or the link may be out of date.</p>
    </DeadEnd>
  );
}
