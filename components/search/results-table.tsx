import Link from "next/link";
import { formatDuration } from "@/lib/format/duration";
import type { TraceHit } from "@/lib/traces/search/search";
import { serializeSearch, type SearchFilters, type SortKey } from "@/lib/traces/search/search-params";
import { Time } from "@/components/preferences/time-zone";
import { traceHref } from "@/lib/traces/trace/trace-href";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";
import { escapeInvisible } from "@/lib/format/visible-text";
import { CompareCheckbox } from "@/components/compare/compare-selection";

function sortHref(f: SearchFilters, key: SortKey): string {
  const dir = f.sort === key && f.dir === "desc" ? "asc" : "desc";
  return `/traces?${serializeSearch({ ...f, sort: key, dir, cursor: undefined })}`;
}

function SortHeader({ f, sortKey, label, right }: { f: SearchFilters; sortKey: SortKey; label: string; right?: boolean }) {
  const active = f.sort === sortKey;
  return (
    <th className={`py-1.5 pr-3 font-medium ${right ? "text-right" : ""}`} aria-sort={active ? (f.dir === "desc" ? "descending" : "ascending") : "none"}>
      <Link href={sortHref(f, sortKey)} prefetch={false} className={active ? "text-zinc-900 dark:text-zinc-100" : "hover:underline"}>
        {label}
        {active ? (f.dir === "desc" ? " ↓" : " ↑") : ""}
      </Link>
    </th>
  );
}

/** The results: sortable headers (links, so sorting is in the URL too), a duration bar against the page's slowest. */
export function ResultsTable({ traces, filters }: { traces: TraceHit[]; filters: SearchFilters }) {
  const slowest = Math.max(1, ...traces.map((t) => t.durationNs));
  return (
    <table className="w-full border-collapse" data-testid="trace-results">
      <thead>
        <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
          <SortHeader f={filters} sortKey="start" label="Start" />
          <th className="py-1.5 pr-3 font-medium">Tenant</th>
          <th className="py-1.5 pr-3 font-medium">Root</th>
          <SortHeader f={filters} sortKey="duration" label="Duration" />
          <SortHeader f={filters} sortKey="spans" label="Spans" right />
          <SortHeader f={filters} sortKey="errors" label="Errors" right />
          <th className="py-1.5 font-medium">Services</th>
          <th className="py-1.5 pl-2 font-medium">Compare</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={`${t.tenantId}/${t.traceId}`} className="border-b border-zinc-100 hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900">
            <td className="py-1 pr-3 whitespace-nowrap text-zinc-500">
              <Time at={t.startTime} precision="millisecond" />
            </td>
            <td className="py-1 pr-3">{t.tenantId}</td>
            <td className="py-1 pr-3">
              <Link href={traceHref(t.traceId, t.tenantId)} prefetch={false} className="hover:underline" data-testid="trace-link">
                <span className="text-zinc-500"><VisibleName text={t.rootService ?? "?"} /></span> <VisibleName text={t.rootName ?? "(root span missing)"} />
              </Link>
            </td>
            <td className="py-1 pr-3 whitespace-nowrap">
              <div className="flex items-center gap-2">
                <div className="h-1.5 w-24 rounded bg-zinc-100 dark:bg-zinc-800" aria-hidden>
                  <div className={`h-1.5 rounded ${t.errorCount > 0 ? "bg-red-500" : "bg-blue-500"}`} style={{ width: `${Math.max(2, (t.durationNs / slowest) * 100)}%` }} />
                </div>
                {formatDuration(t.durationNs)}
              </div>
            </td>
            <td className="py-1 pr-3 text-right">{formatCount(t.spanCount)}</td>
            <td className={`py-1 pr-3 text-right ${t.errorCount > 0 ? "font-medium text-red-600 dark:text-red-400" : ""}`}>{formatCount(t.errorCount)}</td>
            <td className="py-1 text-xs text-zinc-500"><VisibleName text={t.services.join(", ")} /></td>
            <td className="py-1 pl-2 text-center">
              <CompareCheckbox trace={{ traceId: t.traceId, tenantId: t.tenantId, durationNs: t.durationNs }} label={escapeInvisible(`${t.rootService ?? "?"} ${t.rootName ?? ""} of ${t.tenantId}`)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
