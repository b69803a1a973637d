"use client";

import { usePathname, useSearchParams } from "next/navigation";
import { useState } from "react";
import { absoluteRangeParams } from "@/lib/filters/share-url";

const button = "rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";

/**
 * Copies a link to this search with the relative range pinned to the absolute window it covers
 * now (lib/filters/share-url.ts), so the recipient sees the same traces. The link is also
 * shown, selected, for when the clipboard is not available (plain http, a denied permission).
 */
export function ShareLink() {
  const pathname = usePathname();
  const params = useSearchParams();
  const [shared, setShared] = useState<{ url: string; copied: boolean } | null>(null);
  const share = async () => {
    const url = `${window.location.origin}${pathname}?${absoluteRangeParams(params, new Date())}`;
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // Shown below to copy by hand.
    }
    setShared({ url, copied });
  };
  return (
    <div className="flex items-center gap-2">
      <button type="button" className={button} onClick={share}>
        Share
      </button>
      {shared && (
        <>
          <input
            readOnly
            aria-label="Link to this search with an absolute time range"
            className="w-96 rounded border border-zinc-300 bg-zinc-50 px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
            value={shared.url}
            onFocus={(e) => e.currentTarget.select()}
            autoFocus
          />
          <span role="status" className="text-xs text-zinc-600 dark:text-zinc-400">
            {shared.copied ? "Link copied" : "Copy the link"}
          </span>
        </>
      )}
    </div>
  );
}
