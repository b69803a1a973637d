import { formatDuration } from "@/lib/format/duration";
import type { TraceHeader } from "@/lib/traces/trace/trace-header";
import { requestLatency } from "@/lib/waterfall/trace-analysis";
import type { TraceModel } from "@/lib/waterfall/trace-model";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";
import { Time } from "@/components/preferences/time-zone";

/**
 * The trace at a glance: what it was, whose, when, how long, how big, how deep. Two latencies:
 * the request's (its root span, what the caller waited for) and end to end (first start to
 * last end, jobs and handlers included), which the critical path ranks.
 */
export function TraceSummary({ header, model }: { header: TraceHeader; model: TraceModel | null }) {
  const request = model ? requestLatency(model, header.rootSpanId) : null;
  const facts: [string, React.ReactNode][] = [
    ["Tenant", header.tenantId],
    ["Request id", header.requestId ?? "—"],
    ["Start", <Time key="s" at={header.start} precision="millisecond" />],
    ["Request latency", model ? (request === null ? "—" : formatDuration(Math.round(request))) : "…"],
    ["End-to-end latency", formatDuration(BigInt(header.durationNs))],
    ["Spans", formatCount(header.spanCount)],
    ["Services", header.services.length],
    ["Errors", <span key="e" className={header.errorCount > 0 ? "font-semibold text-red-600" : ""}>{formatCount(header.errorCount)}</span>],
    ["Depth", model ? model.maxDepth + 1 : "…"],
  ];
  return (
    <header className="mb-2">
      <h1 className="text-base font-semibold" data-testid="trace-root">
        <span className="text-zinc-500"><VisibleName text={header.rootService ?? "?"} /></span> <VisibleName text={header.rootName ?? "(root span missing)"} />
        {header.isSlow && <span className="ml-2 rounded bg-amber-100 px-1.5 text-xs font-normal text-amber-800 dark:bg-amber-950 dark:text-amber-300">slow</span>}
        {header.isSecurity && <span className="ml-2 rounded bg-violet-100 px-1.5 text-xs font-normal text-violet-800 dark:bg-violet-950 dark:text-violet-300">security</span>}
      </h1>
      <p className="font-mono text-xs text-zinc-500">trace {header.traceId}</p>
      {header.otherTenants.length > 0 && (
        <p className="text-xs" data-testid="trace-other-tenants">
          <span className="text-zinc-500">The same trace id is a separate trace in </span>
          {header.otherTenants.map((tenant, i) => (
            <span key={tenant}>
              {i > 0 && ", "}
              <a className="underline" href={`/traces/${header.traceId}?tenant=${encodeURIComponent(tenant)}`}>
                {tenant}
              </a>
            </span>
          ))}
        </p>
      )}
      <dl className="mt-1 flex flex-wrap gap-x-5 gap-y-0.5 text-xs" data-testid="trace-facts">
        {facts.map(([k, v]) => (
          <div key={k} className="flex gap-1">
            <dt className="text-zinc-500">{k}</dt>
            <dd className="font-medium">{v}</dd>
          </div>
        ))}
      </dl>
    </header>
  );
}
