import { formatDuration } from "@/lib/format/duration";
import type { RetryAttempt, RetryLoop, RetryOutcome } from "@/lib/investigate/retries";
import { formatInstant, type ZoneName } from "@/lib/format/time";
import { TraceLink } from "./trace-link";
import { VisibleName } from "@/components/format/visible-name";

const OUTCOME: Record<RetryOutcome, { label: string; className: string }> = {
  succeeded: { label: "succeeded after retries", className: "text-emerald-700 dark:text-emerald-400" },
  failed: { label: "failed", className: "text-red-700 dark:text-red-400" },
  retrying: { label: "still retrying", className: "text-amber-700 dark:text-amber-400" },
};

/** The attempts on one small time axis: each bar is a run, red when it failed. */
function Timeline({ attempts, zone }: { attempts: RetryAttempt[]; zone: ZoneName }) {
  if (attempts.length === 0) return null;
  const start = Math.min(...attempts.map((a) => a.start.getTime()));
  const end = Math.max(...attempts.map((a) => a.start.getTime() + Number(a.durationNs) / 1e6));
  const span = Math.max(1, end - start);
  return (
    <div className="relative h-4 w-64 rounded bg-zinc-100 dark:bg-zinc-800" role="img" aria-label={`${attempts.length} attempts over ${formatDuration(span * 1e6)}`}>
      {attempts.map((a) => {
        const left = ((a.start.getTime() - start) / span) * 100;
        const width = Math.max(1.5, (Number(a.durationNs) / 1e6 / span) * 100);
        return (
          <span
            key={a.spanId}
            title={`attempt ${a.attempt ?? "?"}: ${a.failed ? "failed" : "ok"}, ${formatDuration(a.durationNs)} at ${formatInstant(a.start, zone)}`}
            className={`absolute top-0.5 h-3 rounded-sm ${a.failed ? "bg-red-500" : "bg-emerald-500"}`}
            style={{ left: `${Math.min(left, 98.5)}%`, width: `${width}%` }}
          />
        );
      })}
    </div>
  );
}

export function RetriesView({ loops, n, zone }: { loops: RetryLoop[]; n: number; zone: ZoneName }) {
  if (loops.length === 0) return <p className="text-zinc-500">No job or operation ran more than {n} times in these tenants and this time range.</p>;
  return (
    <table className="w-full border-collapse" data-testid="retry-loops">
      <thead>
        <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
          <th className="py-1 pr-3 font-medium">Tenant</th>
          <th className="py-1 pr-3 font-medium">What ran again</th>
          <th className="py-1 pr-3 text-right font-medium">Runs</th>
          <th className="py-1 pr-3 font-medium">Attempts</th>
          <th className="py-1 pr-3 font-medium">Outcome</th>
          <th className="py-1 pr-3 font-medium">Request</th>
          <th className="py-1 font-medium">Trace</th>
        </tr>
      </thead>
      <tbody>
        {loops.map((loop) => (
          <tr key={`${loop.tenantId}/${loop.traceId}/${loop.kind}/${loop.key}/${loop.lastAttemptSpanId}`} className="border-b border-zinc-100 align-middle dark:border-zinc-900" data-testid="retry-loop">
            <td className="py-1 pr-3">{loop.tenantId}</td>
            <td className="py-1 pr-3">
              <span className="text-xs text-zinc-500">{loop.kind === "job" ? "job" : "operation"}</span> <VisibleName text={loop.name} />
              <div className="text-xs text-zinc-500">
                <VisibleName text={loop.service} />
                {loop.kind === "job" && loop.key !== loop.name ? ` · ${loop.key}` : ""}
              </div>
            </td>
            <td className="py-1 pr-3 text-right font-medium">{loop.attempts}</td>
            <td className="py-1 pr-3">
              <Timeline attempts={loop.timeline} zone={zone} />
            </td>
            <td className={`py-1 pr-3 ${OUTCOME[loop.outcome].className}`}>{OUTCOME[loop.outcome].label}</td>
            <td className="py-1 pr-3 text-xs text-zinc-500">
              <VisibleName text={`${loop.root.service ?? ""} ${loop.root.name ?? ""}`} />
              {loop.requestId ? <div>{loop.requestId}</div> : null}
            </td>
            <td className="py-1">
              <TraceLink traceId={loop.traceId} tenantId={loop.tenantId} spanId={loop.lastAttemptSpanId} label={`Trace of ${loop.name} retry loop`}>
                {loop.traceId.slice(0, 8)}…
              </TraceLink>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
