import "server-only";
import type { TenantScope } from "@/db/tenant-scope";
import { isTransientDatabaseError } from "@/db/errors";
import { resolveTimeRange } from "@/lib/filters/time-range";
import { escapeInvisible } from "@/lib/format/visible-text";
import { scatterTraces, type ScatterResult } from "@/lib/traces/search/scatter";
import { serializeSearch, type SearchFilters } from "@/lib/traces/search/search-params";
import { DurationScatter } from "./duration-scatter";

const count = (n: number) => n.toLocaleString("en-US");

/** What the plot shows of the matches: all of them, or which sample. */
export function scatterCaption({ points, total, errors, sampled, allErrors }: ScatterResult): string {
  const traces = total === 1 ? "trace" : "traces";
  if (!sampled) return `All ${count(total)} matching ${traces}`;
  const kept = allErrors ? "all errors and the slowest included" : `the slowest included; ${count(points.filter((p) => p.error).length)} of ${count(errors)} errors (the slowest)`;
  return `${count(points.length)} of ${count(total)} ${traces}, sampled; ${kept}`;
}

/** The search a selection on the plot is compared within: its filters and window, none of the table's paging. */
function comparedSearch(f: SearchFilters): string {
  return serializeSearch({ ...f, cursor: undefined, sort: undefined, dir: undefined, limit: undefined }).toString();
}

/**
 * The duration scatter of every match in the window (lib/traces/search/scatter.ts), independent of
 * the table's page: rendered in its own Suspense boundary so the table does not wait for it.
 */
export async function SearchScatter({ scope, filters }: { scope: TenantScope; filters: SearchFilters }) {
  let result: ScatterResult;
  try {
    result = await scatterTraces(scope, filters);
  } catch (error) {
    // The table below reports a failed search; the plot only steps aside.
    if (isTransientDatabaseError(error)) return null;
    throw error;
  }
  if (result.total === 0) return null;
  const points = result.points.map((p) => ({
    traceId: p.traceId,
    tenantId: p.tenantId,
    t: Date.parse(p.startTime),
    ms: p.durationNs / 1e6,
    error: p.error,
    label: escapeInvisible(`${p.rootService ?? "?"} ${p.rootName ?? ""}`),
  }));
  const range = resolveTimeRange(filters);
  const domain: [number, number] = filters.q
    ? [Math.min(...points.map((p) => p.t)) - 1000, Math.max(...points.map((p) => p.t)) + 1000]
    : [range.from.getTime(), range.to.getTime()];
  return (
    <section aria-label="Duration of every match">
      <p className="mb-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="scatter-count">
        {scatterCaption(result)}
      </p>
      <DurationScatter points={points} domain={domain} context={filters.q ? null : comparedSearch(filters)} />
    </section>
  );
}
