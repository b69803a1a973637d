"use client";

import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { DeadEnd } from "@/components/shell/dead-end";

/**
 * A page that failed on the server or in the browser, inside the shell: Next sends only a
 * digest (the id in the server log), never the message or a stack.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // A server error needs the page rendered again on the server, not only the boundary reset.
  const retry = () => startTransition(() => { router.refresh(); reset(); });
  return (
    <DeadEnd
      title="This page could not be shown"
      actions={
        <button type="button" onClick={retry} className="text-sky-700 hover:underline dark:text-sky-400">
          Try again
        </button>
      }
    >
      <p>Something went wrong while loading it. Trying again often helps; if it does not, tell an administrator.</p>
      {error.digest && <p className="mt-2 text-xs text-zinc-500">Error id: {error.digest}</p>}
    </DeadEnd>
  );
}
