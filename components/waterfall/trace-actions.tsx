"use client";

import Link from "next/link";
import { Suspense, use, useState } from "react";

const button = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";

/** Copies `text`; the clipboard API exists only in secure contexts (https, localhost). */
async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sharing and following a trace: copy its id or its link (with the span and zoom shown), open
 * its job lineage, compare it with a typical trace of its operation.
 */
/** The lineage link, once the server has found the trace's first job or event (it never rejects). */
function LineageLink({ href }: { href: Promise<string | null> }) {
  const lineageHref = use(href);
  return (
    lineageHref && (
      // Not prefetched: the lineage page is an audited read.
      <Link href={lineageHref} prefetch={false} className={button}>
        Job lineage →
      </Link>
    )
  );
}

export function TraceActions({ traceId, lineageHref, typicalHref }: { traceId: string; lineageHref: Promise<string | null>; typicalHref: string | null }) {
  const [status, setStatus] = useState("");
  const run = async (what: string, text: string) => {
    setStatus((await copy(text)) ? `${what} copied` : `Could not copy: select it and press Ctrl+C (${text})`);
  };
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2" data-testid="trace-actions">
      <button type="button" className={button} onClick={() => void run("Trace id", traceId)}>
        Copy trace id
      </button>
      <button type="button" className={button} title="The link opens this trace with the selected span and the zoom you see" onClick={() => void run("Link", window.location.href)}>
        Copy link
      </button>
      <Suspense fallback={null}>
        <LineageLink href={lineageHref} />
      </Suspense>
      {typicalHref && (
        // Not prefetched: the comparison is an audited read of two traces.
        <Link href={typicalHref} prefetch={false} className={button} title="Against the trace of this operation nearest its median duration, within an hour of this one" data-testid="compare-typical">
          Compare with a typical trace →
        </Link>
      )}
      <span role="status" className="text-xs text-zinc-500">
        {status}
      </span>
    </div>
  );
}
