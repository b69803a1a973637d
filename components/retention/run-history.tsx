import type { RetentionRun } from "@/lib/retention/runs";
import { formatCount } from "@/lib/format/count";
import { Time } from "@/components/preferences/time-zone";

const th = "py-1.5 pr-4 text-left text-xs font-medium text-zinc-500";
const td = "py-1 pr-4 align-top";

interface TenantCounts {
  standard?: { traces?: number; spans?: number };
  kept?: { traces?: number; spans?: number };
  partitionSpans?: number;
  strandedSpans?: number;
}

function removed(run: RetentionRun): { traces: number; spans: number } {
  const tenants = (run.counts.tenants ?? {}) as Record<string, TenantCounts>;
  let traces = 0;
  let spans = 0;
  for (const c of Object.values(tenants)) {
    traces += (c.standard?.traces ?? 0) + (c.kept?.traces ?? 0);
    spans += (c.standard?.spans ?? 0) + (c.kept?.spans ?? 0) + (c.partitionSpans ?? 0) + (c.strandedSpans ?? 0);
  }
  return { traces, spans };
}

const time = (d: Date | null) => (d ? <Time at={d} /> : "—");

export function RunHistory({ runs }: { runs: RetentionRun[] }) {
  if (runs.length === 0) return <p className="text-sm text-zinc-500">No purge has run yet.</p>;
  return (
    <table className="border-collapse text-sm" data-testid="retention-runs">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={th}>Started</th>
          <th className={th}>Finished</th>
          <th className={th}>Outcome</th>
          <th className={th}>Triggered by</th>
          <th className={th}>Traces removed</th>
          <th className={th}>Spans removed</th>
          <th className={th}>Partitions dropped</th>
          <th className={th}>Skipped (legal hold)</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const r = removed(run);
          return (
            <tr key={run.id} className="border-b border-zinc-100 dark:border-zinc-900" title={run.id}>
              <td className={td}>{time(run.startedAt)}</td>
              <td className={td}>{time(run.finishedAt)}</td>
              <td className={td}>
                {run.outcome}
                {run.error ? <div className="max-w-xs text-xs text-red-700 dark:text-red-400">{run.error}</div> : null}
              </td>
              <td className={td}>{String(run.counts.trigger ?? "—")}</td>
              <td className={td}>{formatCount(r.traces)}</td>
              <td className={td}>{formatCount(r.spans)}</td>
              <td className={td}>{run.partitionsDropped.length}</td>
              <td className={td}>{run.heldTenants.join(", ") || "—"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
