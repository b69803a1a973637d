"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { VisibleName } from "@/components/format/visible-name";
import { searchWithFacet } from "@/lib/slow-vs-normal/facet-search";
import { facetValueText, type FacetKind, type RankedAttribute, type SlowVsNormal } from "@/lib/slow-vs-normal/rank";
import { regionParams, type Region } from "@/lib/slow-vs-normal/region";
import { percent, ValueBars } from "./value-bars";

/** Attributes listed before "Show all". */
const FIRST_SHOWN = 6;

const COLUMN_NAMES: Record<Exclude<FacetKind, "attribute">, string> = {
  tenant: "Tenant",
  service: "Service (any span)",
  operation: "Root operation",
  status: "Status",
};

const attributeName = (a: RankedAttribute) => (a.kind === "attribute" ? a.key : COLUMN_NAMES[a.kind]);

async function fetchComparison(url: string): Promise<SlowVsNormal> {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `the comparison failed (${res.status})`);
  }
  return (await res.json()) as SlowVsNormal;
}

function AttributeRow({ attribute, context, sampled }: { attribute: RankedAttribute; context: string; sampled: { selection: number; baseline: number } }) {
  const name = attributeName(attribute);
  return (
    <li className="border-t border-zinc-200 py-2 dark:border-zinc-800" data-testid="slow-vs-normal-attribute" data-key={attribute.key}>
      <h4 className="flex items-baseline justify-between gap-2 text-sm font-medium">
        <span className="break-all">
          <VisibleName text={name} />
        </span>
        <span className="shrink-0 text-xs font-normal text-zinc-600 dark:text-zinc-400">differs by {percent(attribute.score).replace(" %", " points")}</span>
      </h4>
      <ul className="mt-1 space-y-1.5">
        {attribute.values.map((v) => {
          const text = facetValueText(v.value);
          const query = searchWithFacet(context, attribute.kind, attribute.key, v.value);
          const summary = `${percent(v.selectionShare)} of the selection, ${percent(v.baselineShare)} of the rest`;
          return (
            <li key={v.value}>
              {query ? (
                <Link
                  href={`/traces?${query}`}
                  prefetch={false}
                  className="text-xs break-all text-sky-700 underline dark:text-sky-400"
                  aria-label={`Search for ${name} = ${text} (${summary})`}
                  data-testid="slow-vs-normal-value"
                  data-selection-share={v.selectionShare}
                  data-baseline-share={v.baselineShare}
                >
                  <VisibleName text={text} />
                </Link>
              ) : (
                <span className="text-xs break-all" title="The search cannot express this value exactly">
                  <VisibleName text={text} />
                </span>
              )}
              <ValueBars value={v} sampled={sampled} />
            </li>
          );
        })}
      </ul>
    </li>
  );
}

function sideText(what: string, side: SlowVsNormal["selection"]): string {
  const total = side.total.toLocaleString("en-US");
  return side.sampled < side.total ? `${what}: ${side.sampled.toLocaleString("en-US")} of ${total} traces read (a sample)` : `${what}: ${total} traces`;
}

/**
 * What sets a dragged region apart from the rest of the window (lib/slow-vs-normal): the
 * attributes ranked by how differently their values are spread, each value a link that adds
 * it to the search. `context` is the search (query string) whose window is compared.
 */
export function SlowVsNormalPanel({ context, region, label, onClose, children }: { context: string; region: Region; label: string; onClose: () => void; children?: React.ReactNode }) {
  const url = `/api/traces/slow-vs-normal?${context}&${regionParams(region).toString()}`;
  const { data, error, isPending } = useQuery({ queryKey: ["slow-vs-normal", url], queryFn: () => fetchComparison(url) });
  const [all, setAll] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // A keyboard user lands on the answer to what they just selected.
  useEffect(() => heading.current?.focus(), [url]);
  const shown = data ? (all ? data.attributes : data.attributes.slice(0, FIRST_SHOWN)) : [];
  return (
    <section
      className="mb-4 rounded border border-zinc-300 bg-white p-3 dark:border-zinc-700 dark:bg-zinc-900"
      aria-labelledby="slow-vs-normal-heading"
      data-testid="slow-vs-normal"
      onKeyDown={(e) => e.key === "Escape" && onClose()}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="slow-vs-normal-heading" ref={heading} tabIndex={-1} className="text-sm font-semibold outline-none">
          What sets the selection apart
        </h3>
        <div className="flex items-center gap-3 text-xs">
          {children}
          <button type="button" className="underline" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="slow-vs-normal-region">
        Selected: {label}
      </p>
      <div aria-live="polite">
        {isPending && <p className="py-2 text-xs text-zinc-500">Comparing the selection with the rest of the window…</p>}
        {error && (
          <p role="alert" className="py-2 text-xs text-red-700 dark:text-red-400">
            {error.message}
          </p>
        )}
        {data && (
          <>
            <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="slow-vs-normal-sides">
              {sideText("Selection", data.selection)} · {sideText("the rest of the window", data.baseline)}
            </p>
            {data.attributes.length === 0 ? (
              <p className="py-2 text-xs text-zinc-500" data-testid="slow-vs-normal-empty">
                Nothing to compare: {data.selection.total === 0 ? "no trace falls in the selection" : "every trace of the window is in the selection"}.
              </p>
            ) : (
              <>
                <ol className="mt-1">
                  {shown.map((a) => (
                    <AttributeRow key={`${a.kind}|${a.key}`} attribute={a} context={context} sampled={{ selection: data.selection.sampled, baseline: data.baseline.sampled }} />
                  ))}
                </ol>
                {data.attributes.length > FIRST_SHOWN && (
                  <button type="button" className="mt-1 text-xs underline" onClick={() => setAll(!all)}>
                    {all ? "Show the first few" : `Show all ${data.attributes.length} attributes`}
                  </button>
                )}
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
