import type { LineageTrace } from "@/lib/investigate/lineage";
import type { LineageNode, LineageOutcome } from "@/lib/investigate/lineage-tree";
import { TraceLink } from "./trace-link";
import { Time } from "@/components/preferences/time-zone";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";

const OUTCOME: Record<LineageOutcome, string> = {
  succeeded: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-700 dark:text-red-400",
  retrying: "text-amber-700 dark:text-amber-400",
  pending: "text-zinc-500",
};

const KIND: Record<LineageNode["kind"], string> = { request: "request", job: "job", event: "event" };

function Node({ node, traceId, tenantId, looked }: { node: LineageNode; traceId: string; tenantId: string; looked: string }) {
  const isLooked = node.id === looked;
  return (
    <li
      className={`flex flex-wrap items-baseline gap-x-2 py-0.5 ${isLooked ? "rounded bg-amber-50 dark:bg-amber-950" : ""}`}
      style={{ paddingLeft: `${node.depth * 1.5}rem` }}
      data-testid={`lineage-${node.kind}`}
      data-id={node.id}
    >
      {node.depth > 0 && <span className="text-zinc-400">↳</span>}
      <span className="text-xs uppercase text-zinc-500">{KIND[node.kind]}</span>
      <span className="font-medium"><VisibleName text={node.name} /></span>
      <TraceLink traceId={traceId} tenantId={tenantId} spanId={node.spanId} label={`Open ${KIND[node.kind]} ${node.id} in its trace`}>
        {node.id}
      </TraceLink>
      <span className="text-zinc-500"><VisibleName text={node.service} /></span>
      {node.queue && <span className="text-xs text-zinc-500">queue {node.queue}</span>}
      {node.kind === "job" && <span className="text-xs text-zinc-500">{node.attempts} {node.attempts === 1 ? "attempt" : "attempts"}</span>}
      {node.kind === "event" && node.handlers.length > 0 && (
        <span className="text-xs text-zinc-500">handled by <VisibleName text={node.handlers.map((h) => `${h.service}${h.failed ? " (failed)" : ""}`).join(", ")} /></span>
      )}
      <span className={OUTCOME[node.outcome]} data-testid="lineage-outcome">
        {node.outcome}
      </span>
      <span className="text-xs text-zinc-500"><Time at={node.start} /></span>
    </li>
  );
}

export function LineageView({ traces, id }: { traces: LineageTrace[] | null; id: string }) {
  if (traces === null) return <p className="text-zinc-500">Enter a job id, an event id or a request id to see what triggered it and what it triggered.</p>;
  if (traces.length === 0) return <p role="status" className="text-zinc-600 dark:text-zinc-400">Not found: no job, event or request with id {id} in your tenants and this time range.</p>;
  return (
    <div className="space-y-5" data-testid="lineage">
      {traces.map((t) => {
        const request = t.nodes.find((n) => n.kind === "request");
        return (
          <section key={`${t.tenantId}/${t.traceId}`} aria-label={`Lineage in trace ${t.traceId}`}>
            <h2 className="mb-1">
              <span className="font-semibold">{t.matched === "request" ? "Request" : t.matched === "job" ? "Job" : "Event"} {id}</span>{" "}
              <span className="text-zinc-500">
                in tenant {t.tenantId}, {request ? <>triggered by request <span data-testid="origin-request">{request.id}</span></> : "no originating request (a scheduled or orphan trace)"}
                {" · "}
                <TraceLink traceId={t.traceId} tenantId={t.tenantId} label={`Open trace ${t.traceId}`}>
                  trace {t.traceId.slice(0, 8)}…
                </TraceLink>
              </span>
            </h2>
            <ul>
              {t.nodes.map((n) => (
                <Node key={`${n.kind}:${n.id}`} node={n} traceId={t.traceId} tenantId={t.tenantId} looked={id} />
              ))}
            </ul>
            {t.capped && (
              <p className="text-xs text-amber-700 dark:text-amber-400">
                Only the first {formatCount(t.loadedSpans)} of {formatCount(t.spanCount)} spans were read; later work of this trace is not shown.
              </p>
            )}
          </section>
        );
      })}
    </div>
  );
}
