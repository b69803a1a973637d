import { formatDuration } from "@/lib/format/duration";
import type { SlowRank } from "@/lib/investigate/investigate-params";
import type { SlowRequest } from "@/lib/investigate/slow";
import { TraceLink } from "./trace-link";
import { Time } from "@/components/preferences/time-zone";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";

const RANKED = <span className="font-normal" title="the column the list is ranked by"> ▼</span>;

export function SlowView({ requests, rank }: { requests: SlowRequest[]; rank: SlowRank }) {
  if (requests.length === 0) {
    return (
      <p className="text-zinc-500">
        No {rank === "request" ? "request" : "trace"} was slower than its tenant&apos;s slow threshold {rank === "request" ? "" : "end to end "}in these tenants and this time range.
      </p>
    );
  }
  return (
    <table className="w-full border-collapse" data-testid="slow-requests" data-rank={rank}>
      <thead>
        <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
          <th className="py-1 pr-3 font-medium">Start (UTC)</th>
          <th className="py-1 pr-3 font-medium">Tenant</th>
          <th className="py-1 pr-3 font-medium">Request</th>
          <th className="py-1 pr-3 text-right font-medium">Request latency{rank === "request" && RANKED}</th>
          <th className="py-1 pr-3 text-right font-medium">End-to-end latency{rank === "end-to-end" && RANKED}</th>
          <th className="py-1 pr-3 font-medium">Critical path ({rank === "request" ? "request" : "end to end"}) dominated by</th>
          <th className="py-1 font-medium">Trace</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => {
          const [top, ...rest] = r.services;
          return (
            <tr key={`${r.tenantId}/${r.traceId}`} className="border-b border-zinc-100 align-top dark:border-zinc-900" data-testid="slow-request" data-trace-id={r.traceId}>
              <td className="py-1 pr-3 whitespace-nowrap text-zinc-500"><Time at={r.start} /></td>
              <td className="py-1 pr-3">{r.tenantId}</td>
              <td className="py-1 pr-3">
                <span className="text-zinc-500"><VisibleName text={r.rootService ?? ""} /></span> <VisibleName text={r.rootName ?? "(root span missing)"} />
                {r.requestId ? <div className="text-xs text-zinc-500">{r.requestId}</div> : null}
              </td>
              <td className="py-1 pr-3 text-right">{r.requestNs === null ? "—" : formatDuration(r.requestNs)}</td>
              <td className="py-1 pr-3 text-right">{formatDuration(r.endToEndNs)}</td>
              <td className="py-1 pr-3">
                {top && r.queueWaitNs > top.timeNs ? (
                  // A wait in a queue is no service's time, but it can be most of the path.
                  <>
                    <span className="font-medium" data-testid="dominant-queue-wait">
                      queue wait
                    </span>{" "}
                    <span className="text-zinc-500">
                      {formatDuration(r.queueWaitNs)}{top.share > 0 && ` (${Math.round((r.queueWaitNs * top.share * 100) / top.timeNs)}%)`}
                    </span>
                    <div className="text-xs text-zinc-500">
                      then <VisibleName text={[top, ...rest].slice(0, 2).map((s) => `${s.service} ${Math.round(s.share * 100)}%`).join(", ")} />
                    </div>
                  </>
                ) : top ? (
                  <>
                    <span className="font-medium" data-testid="dominant-service">
                      <VisibleName text={top.service} />
                    </span>{" "}
                    <span className="text-zinc-500">
                      {formatDuration(top.timeNs)} ({Math.round(top.share * 100)}%)
                    </span>
                    {rest.length > 0 && (
                      <div className="text-xs text-zinc-500">
                        then <VisibleName text={rest.slice(0, 2).map((s) => `${s.service} ${Math.round(s.share * 100)}%`).join(", ")} />
                      </div>
                    )}
                    {r.queueWaitNs > 0 && <div className="text-xs text-zinc-500">queue wait {formatDuration(r.queueWaitNs)}</div>}
                  </>
                ) : (
                  <span className="text-zinc-500">no spans</span>
                )}
                {r.capped && (
                  <div className="text-xs text-amber-700 dark:text-amber-400">
                    from the first {formatCount(r.loadedSpans)} of {formatCount(r.spanCount)} spans
                  </div>
                )}
              </td>
              <td className="py-1">
                <TraceLink traceId={r.traceId} tenantId={r.tenantId} spanId={r.rootSpanId} label={`Trace of slow request ${r.rootName ?? ""}`}>
                  {r.traceId.slice(0, 8)}…
                </TraceLink>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
