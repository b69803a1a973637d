"use client";

import { VisibleName } from "@/components/format/visible-name";
import type { SeverityLevel } from "@/lib/logs/severity";
import { lineLevel, logBodyText, type LogLine } from "@/lib/waterfall/trace-logs";

/** A level's colour: the marker on a span bar (the same hue in both themes, ringed to stand off the bar). */
export const LEVEL_COLOR: Record<SeverityLevel | "none", string> = {
  trace: "#71717a",
  debug: "#71717a",
  info: "#0284c7",
  warn: "#d97706",
  error: "#dc2626",
  fatal: "#7e22ce",
  none: "#a1a1aa",
};

const BADGE: Record<SeverityLevel | "none", string> = {
  trace: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  debug: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  info: "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-200",
  warn: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  error: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  fatal: "bg-purple-100 text-purple-900 dark:bg-purple-950 dark:text-purple-200",
  none: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
};

/** A line's level as a badge: the name of its range, or the text it was sent with when it falls in none. */
export function LevelBadge({ line }: { line: LogLine }) {
  const level = lineLevel(line);
  return (
    <span data-testid="log-level" className={`inline-block w-12 shrink-0 rounded px-1 text-center text-[10px] font-semibold uppercase ${BADGE[level ?? "none"]}`}>
      {level ?? <VisibleName text={line.severityText ?? "—"} />}
    </span>
  );
}

/** The body as sent, its lines kept and its invisible characters shown escaped (a body is untrusted text). */
export function LogBody({ line }: { line: LogLine }) {
  return (
    <span data-testid="log-body" className="min-w-0 whitespace-pre-wrap break-all font-mono">
      <VisibleName text={logBodyText(line)} />
    </span>
  );
}

/** Asks for the next page of lines by time, while there is one. */
export function LoadLaterLines({ logs, className }: { logs: { hasMore: boolean; loadingMore: boolean; more: () => void }; className: string }) {
  if (!logs.hasMore) return null;
  return (
    <button type="button" onClick={logs.more} disabled={logs.loadingMore} className={`text-sky-700 disabled:opacity-50 dark:text-sky-400 ${className}`}>
      {logs.loadingMore ? "Loading later lines…" : "Load later lines"}
    </button>
  );
}
