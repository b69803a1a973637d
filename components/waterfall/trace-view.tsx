"use client";

import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { preload } from "react-dom";
import type { TraceHeader } from "@/lib/traces/trace/trace-header";
import { errorSpans, matchSpans, stepFrom } from "@/lib/waterfall/find";
import { PANE_LIMITS } from "@/lib/waterfall/pane-widths";
import type { ViewWindow } from "@/lib/waterfall/time-axis";
import { selfTimeOf } from "@/lib/waterfall/trace-analysis";
import { childCount, spanIdOf, type TraceModel } from "@/lib/waterfall/trace-model";
import { collapseAll, collapseAtDepth, revealed, toggled, visibleRows } from "@/lib/waterfall/tree-rows";
import { SPAN_KIND_CONSUMER } from "@/lib/waterfall/span-page";
import { clampZoom, formatZoom } from "@/lib/waterfall/waterfall-params";
import { CriticalPathSummary } from "./critical-path-summary";
import { ErrorNav } from "./error-nav";
import { EventPopover, type EventAnchor } from "./event-popover";
import { FindBox, useDebounced } from "./find-box";
import { LogsPanel, LOGS_PANEL_ID } from "./logs-panel";
import { Minimap } from "./minimap";
import { SpanDetail } from "./span-detail";
import { SelectionAnnouncer } from "./selection-announcer";
import { SpanRows, type ScrollRequest } from "./span-rows";
import { Splitter } from "./splitter";
import { TimeRuler } from "./time-ruler";
import { Toolbar } from "./toolbar";
import { TraceActions } from "./trace-actions";
import { compareHref, TYPICAL } from "@/lib/compare/compare-params";
import { TraceSummary } from "./trace-summary";
import { useTraceAnalysis } from "./trace-analysis";
import { usePaneWidths } from "./use-pane-widths";
import { spansUrl, useTraceModel } from "./use-trace-model";
import { useTraceLogs } from "./use-trace-logs";
import { logMarkers } from "@/lib/waterfall/trace-logs";
import { formatCount } from "@/lib/format/count";

interface Props {
  header: TraceHeader;
  /** `?span=`: the span to select and scroll to once the trace is loaded. */
  initialSpan: string | null;
  /** `?zoom=`: the time window to open with. */
  initialZoom: ViewWindow | null;
  /** Keys the column widths kept in this browser. */
  viewerId: string;
  /** Resolves after the page has rendered (lib/traces/trace/trace-page-access.ts). */
  lineageHref: Promise<string | null>;
}

export function TraceView({ header, initialSpan, initialZoom, viewerId, lineageHref }: Props) {
  // The download starts with the HTML, not after hydration: the fetch in useTraceModel takes it over.
  preload(spansUrl(header.traceId, header.tenantId), { as: "fetch", crossOrigin: "anonymous" });
  const load = useTraceModel(header.traceId, header.tenantId, header.spanCount);
  return (
    <div className="flex h-[calc(100vh-5.5rem)] flex-col">
      <TraceSummary header={header} model={load.state === "ready" ? load.model : null} />
      <TraceActions traceId={header.traceId} lineageHref={lineageHref} typicalHref={header.rootName === null ? null : compareHref(TYPICAL, header)} />
      {load.state === "loading" && (
        <p className="text-sm text-zinc-500" role="status">
          Loading spans… {formatCount(load.loaded)} of {formatCount(header.spanCount)}
        </p>
      )}
      {load.state === "error" && (
        <p role="alert" className="text-sm text-red-600">
          Could not load the spans: {load.message}
        </p>
      )}
      {load.state === "ready" && <Waterfall header={header} model={load.model} initialSpan={initialSpan} initialZoom={initialZoom} viewerId={viewerId} />}
    </div>
  );
}

/** Records the selected span or the zoom in the address (without a history entry), keeping the rest. */
function replaceParam(header: TraceHeader, name: "span" | "zoom", value: string | null): void {
  const query = new URLSearchParams(window.location.search);
  query.set("tenant", header.tenantId);
  if (value) query.set(name, value);
  else query.delete(name);
  window.history.replaceState(window.history.state, "", `${window.location.pathname}?${query}`);
}

interface WaterfallProps {
  header: TraceHeader;
  model: TraceModel;
  initialSpan: string | null;
  initialZoom: ViewWindow | null;
  viewerId: string;
}

function Waterfall({ header, model, initialSpan, initialZoom, viewerId }: WaterfallProps) {
  const full = useMemo<ViewWindow>(() => ({ start: 0, end: Math.max(1, model.end) }), [model]);
  const [view, setView] = useState<ViewWindow>(() => (initialZoom && clampZoom(initialZoom, full)) ?? full);
  const panes = usePaneWidths(viewerId);
  const [eventAnchor, setEventAnchor] = useState<EventAnchor | null>(null);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const initial = initialSpan === null ? -1 : (model.indexOf.get(initialSpan) ?? -1);
  const [selected, setSelected] = useState(initial);
  const [detailOpen, setDetailOpen] = useState(initial >= 0);
  const [scrollTo, setScrollTo] = useState<ScrollRequest | null>(null);
  const [showCritical, setShowCritical] = useState(true);
  const [findText, setFindText] = useState("");
  const [matchIndex, setMatchIndex] = useState(0);
  const [logsOpen, setLogsOpen] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const analysis = useTraceAnalysis(model);

  const expanded = useMemo(() => visibleRows(model, new Set()), [model]);
  // Nothing collapsed, as every trace opens: the rows are the expanded tree's, not walked twice.
  const rows = useMemo(() => (collapsed.size === 0 ? expanded : visibleRows(model, collapsed)), [model, collapsed, expanded]);
  // Mounted with the spans, so the logs are asked for only after the waterfall has its rows.
  const logs = useTraceLogs(header.traceId, header.tenantId, {});
  const markers = useMemo(() => (logs.lines.length > 0 ? logMarkers(model, logs.lines, header.startUs) : null), [model, logs.lines, header.startUs]);
  const hasConsumers = useMemo(() => model.kind.includes(SPAN_KIND_CONSUMER), [model]);
  const treeOrder = expanded.rowOf;

  const settledFind = useDebounced(findText.trim(), 300);
  const attributeFind = useQuery({
    queryKey: ["trace-find", header.traceId, header.tenantId, settledFind],
    enabled: settledFind.length >= 2,
    staleTime: Infinity,
    queryFn: async () => {
      const query = new URLSearchParams({ tenant: header.tenantId, q: settledFind });
      const response = await fetch(`/api/traces/${header.traceId}/find?${query}`);
      if (!response.ok) throw new Error(`find failed: ${response.status}`);
      return ((await response.json()) as { ids: string[] }).ids;
    },
  });
  const serverIds = settledFind === findText.trim() ? attributeFind.data : undefined;
  const matches = useMemo(() => matchSpans(model, findText, treeOrder, serverIds ?? [], errorsOnly), [model, findText, treeOrder, serverIds, errorsOnly]);
  const errors = useMemo(() => errorSpans(model, treeOrder), [model, treeOrder]);
  const matchFlags = useMemo(() => {
    if (matches.length === 0) return null;
    const flags = new Uint8Array(model.size);
    for (const i of matches) flags[i] = 1;
    return flags;
  }, [matches, model]);
  const currentMatch = matches.length > 0 ? matches[Math.min(matchIndex, matches.length - 1)]! : -1;

  /** Selects a span: shows its row (expanding ancestors), scrolls to it, and records it in the URL. */
  const select = useCallback(
    (span: number, openDetail?: boolean) => {
      setSelected(span);
      if (openDetail !== undefined) setDetailOpen(openDetail);
      setCollapsed((c) => revealed(model, c, span));
      replaceParam(header, "span", span >= 0 ? spanIdOf(model, span) : null);
    },
    [model, header],
  );

  // A span hidden under collapsed ancestors gets a row only after the re-render that expands them.
  const pendingScroll = useRef(initial);
  useEffect(() => {
    const span = pendingScroll.current;
    if (span < 0 || rows.rowOf[span]! < 0) return;
    pendingScroll.current = -1;
    setScrollTo((s) => ({ row: rows.rowOf[span]!, seq: (s?.seq ?? 0) + 1 }));
  }, [rows]);
  const selectAndScroll = useCallback(
    (span: number, openDetail?: boolean) => {
      select(span, openDetail);
      const row = rows.rowOf[span]!;
      if (row >= 0) setScrollTo((s) => ({ row, seq: (s?.seq ?? 0) + 1 }));
      else pendingScroll.current = span;
    },
    [select, rows],
  );

  const onRowSelect = useCallback((span: number) => select(span, true), [select]);
  const onToggle = useCallback((span: number) => setCollapsed((c) => toggled(c, span)), []);
  const onEvent = useCallback((span: number, event: number, tick: HTMLElement | null) => {
    setEventAnchor(tick ? { span, event, rect: tick.getBoundingClientRect() } : null);
  }, []);

  // The zoom goes into the address once it settles (a minimap drag changes it on every move).
  const settledView = useDebounced(view, 250);
  useEffect(() => {
    const zoom = clampZoom(settledView, full);
    replaceParam(header, "zoom", zoom ? formatZoom(zoom) : null);
  }, [settledView, full, header]);

  const step = (delta: 1 | -1) => {
    if (matches.length === 0) return;
    const next = (Math.min(matchIndex, matches.length - 1) + delta + matches.length) % matches.length;
    setMatchIndex(next);
    selectAndScroll(matches[next]!);
  };
  const stepError = (delta: 1 | -1) => {
    const span = stepFrom(errors, treeOrder, selected, delta);
    if (span >= 0) selectAndScroll(span, true);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = selected >= 0 ? rows.rowOf[selected]! : -1;
    const go = (r: number) => {
      if (r < 0 || r >= rows.count) return;
      const span = rows.span[r]!;
      setSelected(span);
      replaceParam(header, "span", spanIdOf(model, span));
      setScrollTo((s) => ({ row: r, seq: (s?.seq ?? 0) + 1 }));
    };
    switch (e.key) {
      case "ArrowDown":
        go(row + 1);
        break;
      case "ArrowUp":
        go(row < 0 ? 0 : row - 1);
        break;
      case "ArrowLeft":
        if (selected < 0) return;
        if (childCount(model, selected) > 0 && !collapsed.has(selected)) setCollapsed(toggled(collapsed, selected));
        else if (model.parent[selected]! >= 0) go(rows.rowOf[model.parent[selected]!]!);
        break;
      case "ArrowRight":
        if (selected < 0) return;
        if (collapsed.has(selected)) setCollapsed(toggled(collapsed, selected));
        else if (childCount(model, selected) > 0) go(row + 1);
        break;
      case "Enter":
        if (selected >= 0) setDetailOpen(true);
        break;
      case "Escape":
        setDetailOpen(false);
        break;
      case "e":
      case "E":
        if (e.ctrlKey || e.metaKey || e.altKey) return;
        stepError(e.shiftKey ? -1 : 1);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const zoomedIn = view.start > full.start || view.end < full.end;
  return (
    <>
      <CriticalPathSummary services={model.services} analysis={analysis} hasConsumers={hasConsumers} />
      <Toolbar
        maxDepth={model.maxDepth}
        zoomedIn={zoomedIn}
        showCritical={showCritical}
        criticalReady={analysis !== null}
        exportHref={`/api/traces/${header.traceId}/export?tenant=${encodeURIComponent(header.tenantId)}`}
        onExpandAll={() => setCollapsed(new Set())}
        onCollapseAll={() => setCollapsed(collapseAll(model))}
        onDepth={(depth) => setCollapsed(collapseAtDepth(model, depth - 1))}
        onResetZoom={() => setView(full)}
        onCritical={setShowCritical}
      >
        <button
          type="button"
          aria-expanded={logsOpen}
          aria-controls={LOGS_PANEL_ID}
          onClick={() => setLogsOpen((o) => !o)}
          className="rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          Logs{logs.lines.length > 0 ? ` (${formatCount(logs.lines.length)}${logs.hasMore ? "+" : ""})` : ""}
        </button>
        <ErrorNav count={errors.length} onStep={stepError} />
        <FindBox
          text={findText}
          onText={(t) => {
            setFindText(t);
            setMatchIndex(0);
          }}
          errorsOnly={errorsOnly}
          onErrorsOnly={(on) => {
            setErrorsOnly(on);
            setMatchIndex(0);
          }}
          count={matches.length}
          current={Math.min(matchIndex, Math.max(0, matches.length - 1))}
          searching={attributeFind.isFetching || settledFind !== findText.trim()}
          onStep={step}
        />
      </Toolbar>
      <div
        className="flex min-h-0 flex-1 rounded border border-zinc-200 dark:border-zinc-800"
        style={{ "--name-width": `${panes.widths.name}px` } as React.CSSProperties}
      >
        <div className="relative flex min-w-0 flex-1 flex-col">
          <Splitter
            label="Resize the span names column"
            value={panes.widths.name}
            {...PANE_LIMITS.name}
            direction={1}
            onChange={(name) => panes.change({ name })}
            onCommit={panes.keep}
            className="absolute inset-y-0 -ml-[3px]"
            style={{ left: panes.widths.name }}
          />
          <Minimap model={model} rows={rows} view={view} scrollRef={scrollRef} onView={setView} />
          <TimeRuler view={view} total={full.end} onZoom={setView} />
          <SpanRows
            model={model}
            rows={rows}
            view={view}
            selected={selected}
            collapsed={collapsed}
            matches={matchFlags}
            currentMatch={currentMatch}
            critical={showCritical ? analysis : null}
            logs={markers}
            scrollRef={scrollRef}
            scrollTo={scrollTo}
            nameWidth={panes.widths.name}
            onSelect={onRowSelect}
            onToggle={onToggle}
            onEvent={onEvent}
            onKeyDown={onKeyDown}
          />
          <SelectionAnnouncer model={model} span={selected} row={selected >= 0 ? rows.rowOf[selected]! : -1} rowCount={rows.count} />
        </div>
        {detailOpen && selected >= 0 && (
          <Splitter
            label="Resize the span details panel"
            value={panes.widths.detail}
            {...PANE_LIMITS.detail}
            direction={-1}
            onChange={(detail) => panes.change({ detail })}
            onCommit={panes.keep}
          />
        )}
        {detailOpen && selected >= 0 && (
          <SpanDetail
            model={model}
            span={selected}
            traceId={header.traceId}
            tenant={header.tenantId}
            traceStartUs={header.startUs}
            selfTime={selfTimeOf(model, selected)}
            width={panes.widths.detail}
            onSelect={(span) => selectAndScroll(span, true)}
            onClose={() => setDetailOpen(false)}
          />
        )}
      </div>
      {logsOpen && (
        <LogsPanel
          model={model}
          traceId={header.traceId}
          tenant={header.tenantId}
          traceStartUs={header.startUs}
          selected={selected}
          onSelect={(span) => selectAndScroll(span, true)}
        />
      )}
      {eventAnchor && <EventPopover model={model} traceId={header.traceId} tenant={header.tenantId} anchor={eventAnchor} />}
    </>
  );
}
