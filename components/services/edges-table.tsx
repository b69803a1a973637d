import Link from "next/link";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";
import { formatDuration } from "@/lib/format/duration";
import { risenLabel, type EdgeView } from "./map-data";

const ms = (ns: number | null) => (ns === null ? "–" : formatDuration(ns));

/**
 * Every call of the map as a table, risen ones first, then by p95: the same links as the
 * graph, for the keyboard, for reading exact numbers and for maps too large to read.
 */
export function EdgesTable({ edges }: { edges: readonly EdgeView[] }) {
  const shown = [...edges].sort((a, b) => Number(risenLabel(b) !== null) - Number(risenLabel(a) !== null) || (b.p95Ns ?? 0) - (a.p95Ns ?? 0));
  return (
    <section className="mt-4" data-testid="edges-table">
      <h2 className="mb-1 text-sm font-semibold">
        Calls between services <span className="font-normal text-zinc-500">(previous period of the same length in brackets; a call opens the search for the callee&apos;s traces)</span>
      </h2>
      <div className="max-h-[50vh] overflow-auto">
        <table className="w-full border-collapse">
          <thead>
            <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
              <th className="py-1.5 pr-3 font-medium">Caller → callee</th>
              <th className="py-1.5 pr-3 text-right font-medium">Calls</th>
              <th className="py-1.5 pr-3 text-right font-medium">Error rate</th>
              <th className="py-1.5 pr-3 text-right font-medium">p50</th>
              <th className="py-1.5 pr-3 text-right font-medium">p95</th>
              <th className="py-1.5 pr-3 font-medium">Change</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => {
              const risen = risenLabel(e);
              return (
                <tr key={e.id} className={`border-b border-zinc-100 dark:border-zinc-900 ${risen ? "font-semibold" : ""}`} data-testid="edge-row" data-edge={e.id}>
                  <td className="py-1 pr-3">
                    <Link prefetch={false} className="underline-offset-2 hover:underline" href={e.href}>
                      <VisibleName text={e.caller} /> → <VisibleName text={e.service} />
                    </Link>
                  </td>
                  <td className="py-1 pr-3 text-right">{formatCount(e.count)}</td>
                  <td className="py-1 pr-3 text-right whitespace-nowrap">
                    {(e.errorRate * 100).toFixed(1)}%
                    {e.previous && <span className="ml-1 text-xs font-normal text-zinc-500">({(e.previous.errorRate * 100).toFixed(1)}%)</span>}
                  </td>
                  <td className="py-1 pr-3 text-right whitespace-nowrap">{ms(e.p50Ns)}</td>
                  <td className="py-1 pr-3 text-right whitespace-nowrap">
                    {ms(e.p95Ns)}
                    {e.previous && <span className="ml-1 text-xs font-normal text-zinc-500">({ms(e.previous.p95Ns)})</span>}
                  </td>
                  <td className="py-1 pr-3 whitespace-nowrap">{risen ?? (e.previous ? "" : "new")}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {edges.length === 0 && <p className="py-2 text-zinc-500">No calls between services in this window.</p>}
    </section>
  );
}
