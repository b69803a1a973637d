"use client";

import { useState } from "react";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";
import { formatDuration } from "@/lib/format/duration";
import { SEVERITY_LEVELS, type SeverityLevel } from "@/lib/logs/severity";
import { spanIdOf, type TraceModel } from "@/lib/waterfall/trace-model";
import { logOffsetNs, type LogLine } from "@/lib/waterfall/trace-logs";
import { useDebounced } from "./find-box";
import { LevelBadge, LoadLaterLines, LogBody } from "./log-entry";
import { useTraceLogs } from "./use-trace-logs";

interface Props {
  model: TraceModel;
  traceId: string;
  tenant: string;
  /** The trace's start, µs since the epoch (decimal text): lines are placed relative to it, as the spans are. */
  traceStartUs: string;
  selected: number;
  onSelect: (span: number) => void;
}

export const LOGS_PANEL_ID = "trace-logs";

/** "+12.3 ms" after the trace's start, "-1 µs" before it (clock skew). */
function offsetText(ns: number): string {
  return ns < 0 ? `-${formatDuration(Math.round(-ns))}` : `+${formatDuration(Math.round(ns))}`;
}

/**
 * Every log line of the trace in time order, lines without a span among them at their time:
 * a lowest level and a text find (both on the server, so they cover lines not yet loaded), and
 * each line's span as a link that selects it in the waterfall. Later lines load on demand.
 */
export function LogsPanel({ model, traceId, tenant, traceStartUs, selected, onSelect }: Props) {
  const [severity, setSeverity] = useState<SeverityLevel | "">("");
  const [text, setText] = useState("");
  const q = useDebounced(text.trim(), 300);
  const logs = useTraceLogs(traceId, tenant, { severity: severity || undefined, q: q || undefined });
  const filtered = severity !== "" || q !== "";
  const selectedId = selected >= 0 ? spanIdOf(model, selected) : undefined;

  return (
    <section id={LOGS_PANEL_ID} aria-label="Trace logs" data-testid="logs-panel" className="mt-2 flex h-48 shrink-0 flex-col rounded border border-zinc-200 text-xs dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-2 py-1 dark:border-zinc-800">
        <h2 className="font-semibold">Logs</h2>
        <label className="flex items-center gap-1">
          Lowest level
          <select
            value={severity}
            onChange={(e) => setSeverity(e.target.value as SeverityLevel | "")}
            className="rounded border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
          >
            <option value="">all</option>
            {SEVERITY_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          aria-label="Find in logs"
          placeholder="Find in log text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="w-56 rounded border border-zinc-300 bg-white px-2 py-0.5 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <span data-testid="logs-count" aria-live="polite" className="text-zinc-500">
          {logs.loading || q !== text.trim()
            ? "loading…"
            : logs.error
              ? ""
              : `${formatCount(logs.lines.length)}${logs.hasMore ? "+" : ""} ${logs.lines.length === 1 ? "line" : "lines"}${filtered ? " matching" : ""}`}
        </span>
      </div>
      {logs.error && (
        <p role="alert" className="px-2 py-1 text-red-600">
          Could not load the logs: {logs.error}
        </p>
      )}
      <ol aria-label="Log lines" className="min-h-0 flex-1 overflow-auto">
        {logs.lines.map((line, k) => (
          <PanelLine key={k} line={line} model={model} traceId={traceId} tenant={tenant} traceStartUs={traceStartUs} current={line.spanId !== null && line.spanId === selectedId} onSelect={onSelect} />
        ))}
        {!logs.loading && !logs.error && logs.lines.length === 0 && <li className="px-2 py-1 text-zinc-500">{filtered ? "No line matches." : "This trace has no logs."}</li>}
      </ol>
      <LoadLaterLines logs={logs} className="border-t border-zinc-200 px-2 py-1 text-left hover:bg-zinc-50 dark:border-zinc-800 dark:hover:bg-zinc-900" />
    </section>
  );
}

function PanelLine({ line, model, traceId, tenant, traceStartUs, current, onSelect }: { line: LogLine; model: TraceModel; traceId: string; tenant: string; traceStartUs: string; current: boolean; onSelect: (span: number) => void }) {
  const span = line.spanId === null ? undefined : model.indexOf.get(line.spanId);
  return (
    <li data-testid="log-line" data-span-id={line.spanId ?? undefined} className={`flex items-start gap-2 border-b border-zinc-100 px-2 py-0.5 dark:border-zinc-900 ${current ? "bg-sky-50 dark:bg-sky-950/60" : ""}`}>
      <span className="w-20 shrink-0 text-right tabular-nums text-zinc-500">{offsetText(logOffsetNs(line, traceStartUs))}</span>
      <LevelBadge line={line} />
      <LogBody line={line} />
      <span className="ml-auto shrink-0 max-w-[40%] truncate text-right">
        {span !== undefined ? (
          <a
            href={`/traces/${traceId}?tenant=${encodeURIComponent(tenant)}&span=${line.spanId}`}
            className="text-sky-700 underline dark:text-sky-400"
            onClick={(e) => {
              e.preventDefault();
              onSelect(span);
            }}
          >
            <VisibleName text={model.services[model.service[span]!]!} /> <VisibleName text={model.names[model.name[span]!]!} />
          </a>
        ) : (
          <span className="text-zinc-500">
            {line.service !== null && (
              <>
                <VisibleName text={line.service} />{" "}
              </>
            )}
            {line.spanId === null ? "(no span)" : "(span not received)"}
          </span>
        )}
      </span>
    </li>
  );
}
