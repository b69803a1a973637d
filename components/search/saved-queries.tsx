"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { useActionState } from "react";
import { deleteQueryAction, saveQueryAction, type SavedQueryFormState } from "@/lib/saved-queries/actions";
import type { SavedQuery } from "@/lib/saved-queries/store";

const input = "rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900";
const button = "rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800";

function Status({ state }: { state: SavedQueryFormState }) {
  if (state.error) return <span role="alert" className="text-xs text-red-700 dark:text-red-400">{state.error}</span>;
  if (state.message) return <span role="status" className="text-xs text-zinc-600 dark:text-zinc-400">{state.message}</span>;
  return null;
}

function DeleteButton({ query }: { query: SavedQuery }) {
  const [state, action, pending] = useActionState<SavedQueryFormState, FormData>(deleteQueryAction, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={query.id} />
      <button type="submit" disabled={pending} aria-label={`Delete saved query ${query.name}`} className="text-xs underline disabled:opacity-60">
        Delete
      </button>
      {state.error && <Status state={state} />}
    </form>
  );
}

/**
 * The signed-in user's saved searches (name and URL, private to them): open one to apply it,
 * delete it, or save the current search under a name (the same name replaces its URL).
 */
export function SavedQueries({ queries }: { queries: readonly SavedQuery[] }) {
  const pathname = usePathname();
  const params = new URLSearchParams(useSearchParams());
  // A page cursor belongs to one moment's results, not to the search.
  params.delete("cursor");
  const url = params.size ? `${pathname}?${params}` : pathname;
  const [state, action, pending] = useActionState<SavedQueryFormState, FormData>(saveQueryAction, {});
  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700">Saved queries ({queries.length}) ▾</summary>
      <div className="absolute right-0 z-20 mt-1 w-96 rounded border border-zinc-300 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900">
        {queries.length === 0 ? (
          <p className="mb-2 text-xs text-zinc-600 dark:text-zinc-400">No saved queries yet.</p>
        ) : (
          <ul aria-label="Saved queries" className="mb-3 flex flex-col gap-1">
            {queries.map((q) => (
              <li key={q.id} className="flex items-center justify-between gap-2">
                <Link href={q.url} prefetch={false} className="truncate underline" title={q.url}>
                  {q.name}
                </Link>
                <DeleteButton query={q} />
              </li>
            ))}
          </ul>
        )}
        <form key={state.done} action={action} className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="url" value={url} />
          <input name="name" aria-label="Name of this search" placeholder="Name this search" required maxLength={100} className={`${input} flex-1`} />
          <button type="submit" disabled={pending} className={button}>
            Save
          </button>
          <Status state={state} />
        </form>
      </div>
    </details>
  );
}
