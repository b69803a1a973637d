"use client";

import Link from "next/link";
import { displayValue, truncatedFrom } from "@/lib/attributes/display";
import { typedValue } from "@/lib/attributes/stored-value";
import { formatDuration } from "@/lib/format/duration";
import { Time } from "@/components/preferences/time-zone";
import { describeFlags } from "@/lib/traces/trace/span-flags";
import { isDescendant, requestSpanOf } from "@/lib/waterfall/lineage";
import { SPAN_KIND_LABELS, SPAN_KIND_SERVER } from "@/lib/waterfall/span-page";
import { spanIdOf, type TraceModel } from "@/lib/waterfall/trace-model";
import { VisibleName } from "@/components/format/visible-name";
import { escapeInvisible } from "@/lib/format/visible-text";
import { logOffsetNs } from "@/lib/waterfall/trace-logs";
import { LevelBadge, LoadLaterLines, LogBody } from "./log-entry";
import { useSpanDetail } from "./use-span-detail";
import { useTraceLogs } from "./use-trace-logs";

interface Props {
  model: TraceModel;
  span: number;
  traceId: string;
  tenant: string;
  /** The trace's start, µs since the epoch (decimal text), for where the span's log lines fall in it. */
  traceStartUs: string;
  selfTime: number | undefined;
  /** Pixels, set by the splitter. */
  width: number;
  onSelect: (span: number) => void;
  onClose: () => void;
}

const STATUS = ["unset", "ok", "error"];

function Value({ value }: { value: unknown }) {
  const typed = typedValue(value);
  const cutFrom = truncatedFrom(typed);
  return (
    <dd className="min-w-0">
      {/* Line breaks as sent: stack traces and SQL keep their lines. */}
      {/* Escaped invisible characters: a value's bidi override must not reorder what follows it. */}
      <span data-testid="attribute-value" className="whitespace-pre-wrap break-all font-mono">
        <VisibleName text={displayValue(typed)} />
      </span>{" "}
      <span data-testid="attribute-type" className="text-[10px] text-zinc-500">
        {typed.type}
      </span>
      {cutFrom !== undefined && (
        <span data-testid="attribute-truncated" className="ml-1 rounded bg-amber-100 px-1 text-[10px] text-amber-900 dark:bg-amber-900 dark:text-amber-100">
          truncated from {cutFrom.toLocaleString("en")} characters
        </span>
      )}
    </dd>
  );
}

export function KeyValues({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="text-zinc-500">none</p>;
  return (
    <dl className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)] gap-x-2 gap-y-0.5">
      {entries.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="truncate text-zinc-500" title={escapeInvisible(k)}>
            <VisibleName text={k} />
          </dt>
          <Value value={v} />
        </div>
      ))}
    </dl>
  );
}

function Dropped({ count, what }: { count: number | undefined; what: string }) {
  if (!count) return null;
  return (
    <p data-testid="dropped" className="text-zinc-500">
      {what} dropped: {count}
    </p>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
      <h3 className="mb-1 font-semibold">{title}</h3>
      {children}
    </section>
  );
}

/** A link to another span of this trace: selects it in place, and is a real link to copy. */
function SpanLink({ model, span, traceId, tenant, onSelect, children }: { model: TraceModel; span: number; traceId: string; tenant: string; onSelect: (span: number) => void; children: React.ReactNode }) {
  return (
    <a
      href={`/traces/${traceId}?tenant=${encodeURIComponent(tenant)}&span=${spanIdOf(model, span)}`}
      className="text-sky-700 underline dark:text-sky-400"
      onClick={(e) => {
        e.preventDefault();
        onSelect(span);
      }}
    >
      {children}
    </a>
  );
}

/** The lines the span wrote, oldest first, each at its time into the span; later ones on demand. */
function SpanLogs({ model, span, traceId, tenant, traceStartUs }: { model: TraceModel; span: number; traceId: string; tenant: string; traceStartUs: string }) {
  const logs = useTraceLogs(traceId, tenant, { span: spanIdOf(model, span) });
  return (
    <Section title={`Logs (${logs.loading ? "…" : `${logs.lines.length}${logs.hasMore ? "+" : ""}`})`}>
      {logs.error && <p className="text-red-600">Could not load the logs: {logs.error}</p>}
      {!logs.loading && !logs.error && logs.lines.length === 0 && <p className="text-zinc-500">none</p>}
      <ol data-testid="span-logs" className="space-y-1">
        {logs.lines.map((line, k) => (
          <li key={k} data-testid="span-log-line">
            <p className="flex items-start gap-1.5">
              <LevelBadge line={line} />
              <span className="shrink-0 text-zinc-500">{formatDuration(Math.max(0, Math.round(logOffsetNs(line, traceStartUs) - model.start[span]!)))}</span>
              <LogBody line={line} />
            </p>
            {Object.keys(line.attributes).length > 0 && (
              <details className="ml-14">
                <summary className="cursor-pointer text-zinc-500">attributes ({Object.keys(line.attributes).length})</summary>
                <KeyValues values={line.attributes} />
              </details>
            )}
          </li>
        ))}
      </ol>
      <LoadLaterLines logs={logs} className="mt-1 underline" />
    </Section>
  );
}

export function SpanDetail({ model, span, traceId, tenant, traceStartUs, selfTime, width, onSelect, onClose }: Props) {
  const spanId = spanIdOf(model, span);
  const query = useSpanDetail(traceId, tenant, spanId);
  const d = query.data;
  const name = model.names[model.name[span]!]!;
  const service = model.services[model.service[span]!]!;
  const isAsync = d !== undefined && Object.keys(d.attributes).some((k) => k.startsWith("job.") || k.startsWith("event."));
  const request = isAsync ? requestSpanOf(model, span) : -1;
  const triggered =
    d && model.kind[span] === SPAN_KIND_SERVER
      ? d.asyncWork.map((w) => ({ ...w, index: model.indexOf.get(w.spanId) ?? -1 })).filter((w) => w.index >= 0 && isDescendant(model, w.index, span))
      : [];

  return (
    <aside aria-label="Span details" data-testid="span-detail" style={{ width }} className="flex shrink-0 flex-col overflow-auto border-l border-zinc-200 text-xs dark:border-zinc-800">
      <div className="flex items-start gap-2 px-3 py-2">
        <div className="min-w-0 flex-1">
          <p className="text-zinc-500"><VisibleName text={service} /></p>
          <h2 className="break-words text-sm font-semibold"><VisibleName text={name} /></h2>
          <p className="font-mono text-zinc-500">{spanId}</p>
        </div>
        <button type="button" onClick={onClose} aria-label="Close details" className="rounded px-1.5 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800">
          ✕
        </button>
      </div>
      <Section title="Timing">
        <dl className="grid grid-cols-2 gap-y-0.5">
          <dt className="text-zinc-500">Duration</dt>
          <dd>{formatDuration(Math.round(model.duration[span]!))}</dd>
          <dt className="text-zinc-500">Starts after trace start</dt>
          <dd>{formatDuration(Math.round(model.start[span]!))}</dd>
          <dt className="text-zinc-500">Self time</dt>
          <dd>{selfTime === undefined ? "…" : formatDuration(Math.round(selfTime))}</dd>
          <dt className="text-zinc-500">Kind</dt>
          <dd>{SPAN_KIND_LABELS[model.kind[span]!] ?? model.kind[span]}</dd>
          <dt className="text-zinc-500">Status</dt>
          <dd data-testid="span-status" className={model.status[span] === 2 ? "font-semibold text-red-600" : ""}>
            {STATUS[model.status[span]!] ?? model.status[span]}
            {d?.statusMessage ? `: ${d.statusMessage}` : ""}
          </dd>
          {d?.start && (
            <>
              <dt className="text-zinc-500">Start</dt>
              <dd>
                <Time at={d.start} precision="nanosecond" />
              </dd>
            </>
          )}
          {d && (
            <>
              {d.traceState && (
                <>
                  <dt className="text-zinc-500">Trace state</dt>
                  <dd data-testid="span-trace-state" className="break-all font-mono">
                    {d.traceState}
                  </dd>
                </>
              )}
              <dt className="text-zinc-500">Flags</dt>
              <dd data-testid="span-flags" className="font-mono">
                {describeFlags(d.flags)}
              </dd>
              <dt className="text-zinc-500">Parent span</dt>
              <dd data-testid="span-parent" className="font-mono">
                {d.parentSpanId === null ? (
                  <span className="font-sans text-zinc-500">none (a root span)</span>
                ) : model.indexOf.has(d.parentSpanId) ? (
                  <SpanLink model={model} span={model.indexOf.get(d.parentSpanId)!} traceId={traceId} tenant={tenant} onSelect={onSelect}>
                    {d.parentSpanId}
                  </SpanLink>
                ) : (
                  <>
                    {d.parentSpanId} <span className="font-sans text-amber-700 dark:text-amber-400">(not received)</span>
                  </>
                )}
              </dd>
            </>
          )}
        </dl>
      </Section>
      {query.isError && <p className="px-3 py-2 text-red-600">Could not load the span: {query.error.message}</p>}
      {query.isPending && <p className="px-3 py-2 text-zinc-500">Loading…</p>}
      {d && (
        <>
          {isAsync && request >= 0 && (
            <Section title="Triggered by">
              <p data-testid="triggered-by">
                Triggered by request <span className="font-mono">{d.requestId ?? "(no request id)"}</span>:{" "}
                <SpanLink model={model} span={request} traceId={traceId} tenant={tenant} onSelect={onSelect}>
                  <VisibleName text={model.services[model.service[request]!]!} /> <VisibleName text={model.names[model.name[request]!]!} />
                </SpanLink>
              </p>
            </Section>
          )}
          {triggered.length > 0 && (
            <Section title={`Jobs and events it triggered (${triggered.length})`}>
              <ul data-testid="triggered-work" className="space-y-0.5">
                {triggered.map((w) => (
                  <li key={w.spanId}>
                    <span className="mr-1 rounded bg-zinc-100 px-1 text-[10px] uppercase dark:bg-zinc-800">{w.kind}</span>
                    <SpanLink model={model} span={w.index} traceId={traceId} tenant={tenant} onSelect={onSelect}>
                      <VisibleName text={w.label ?? w.name} />
                    </SpanLink>
                    {w.attempt && <span className="text-zinc-500"> attempt {w.attempt}</span>}
                    {w.outcome && <span className="text-zinc-500"> · {w.outcome}</span>}
                    {w.error && <span className="text-red-600"> · error</span>}
                  </li>
                ))}
              </ul>
            </Section>
          )}
          <SpanLogs model={model} span={span} traceId={traceId} tenant={tenant} traceStartUs={traceStartUs} />
          <Section title="Attributes">
            <KeyValues values={d.attributes} />
            <Dropped count={d.dropped.attributes} what="attributes" />
          </Section>
          <Section title="Resource">
            <KeyValues values={d.resource} />
            <Dropped count={d.resourceDroppedAttributes} what="attributes" />
            {d.resourceSchemaUrl && <p className="break-all text-zinc-500">schema {d.resourceSchemaUrl}</p>}
          </Section>
          <Section title="Instrumentation scope">
            {d.scope === null ? (
              <p className="text-zinc-500">not stored (received before scopes were kept)</p>
            ) : (
              <div data-testid="span-scope">
                <p className="break-all">
                  <span className="font-medium">{d.scope.name === "" ? <span className="text-zinc-500">(no name)</span> : d.scope.name}</span>
                  {d.scope.version && <span className="text-zinc-500"> {d.scope.version}</span>}
                </p>
                {Object.keys(d.scope.attributes).length > 0 && <KeyValues values={d.scope.attributes} />}
                <Dropped count={d.scope.droppedAttributesCount} what="attributes" />
                {d.scope.schemaUrl && <p className="break-all text-zinc-500">schema {d.scope.schemaUrl}</p>}
              </div>
            )}
          </Section>
          <Section title={`Events (${d.events.length})`}>
            {d.events.length === 0 && <p className="text-zinc-500">none</p>}
            <Dropped count={d.dropped.events} what="events" />
            {d.events.map((e, k) => (
              <div key={k} className="mb-1.5">
                <p>
                  <span className="font-medium">{e.name}</span> <span className="text-zinc-500">at {formatDuration(Math.max(0, Math.round(e.offsetNs - model.start[span]!)))} into the span</span>
                </p>
                <KeyValues values={e.attributes} />
                <Dropped count={e.droppedAttributesCount} what="attributes" />
              </div>
            ))}
          </Section>
          <Section title={`Links (${d.links.length})`}>
            {d.links.length === 0 && <p className="text-zinc-500">none</p>}
            <Dropped count={d.dropped.links} what="links" />
            {d.links.map((l, k) => {
              const local = l.traceId === traceId ? model.indexOf.get(l.spanId) : undefined;
              return (
                <div key={k} className="mb-1.5" data-testid="span-link">
                  {local !== undefined ? (
                    <SpanLink model={model} span={local} traceId={traceId} tenant={tenant} onSelect={onSelect}>
                      span {l.spanId} in this trace (<VisibleName text={model.names[model.name[local]!]!} />)
                    </SpanLink>
                  ) : (
                    <Link prefetch={false} href={`/traces/${l.traceId}?tenant=${encodeURIComponent(tenant)}&span=${l.spanId}`} className="text-sky-700 underline dark:text-sky-400">
                      trace {l.traceId}, span {l.spanId}
                    </Link>
                  )}
                  {l.traceState && <p className="break-all font-mono text-zinc-500">trace state {l.traceState}</p>}
                  {l.flags !== undefined && <p className="font-mono text-zinc-500">flags {describeFlags(l.flags, "context")}</p>}
                  <KeyValues values={l.attributes} />
                  <Dropped count={l.droppedAttributesCount} what="attributes" />
                </div>
              );
            })}
          </Section>
        </>
      )}
    </aside>
  );
}
