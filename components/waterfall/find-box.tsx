"use client";

import { useEffect, useState } from "react";

interface Props {
  text: string;
  onText: (text: string) => void;
  errorsOnly: boolean;
  onErrorsOnly: (on: boolean) => void;
  count: number;
  current: number;
  searching: boolean;
  onStep: (delta: 1 | -1) => void;
}

/**
 * Find in trace: type, then Enter / Shift+Enter (or the arrows) to step through the matches.
 * "Errors only" keeps the spans with error status, all of them when nothing is typed.
 */
export function FindBox({ text, onText, errorsOnly, onErrorsOnly, count, current, searching, onStep }: Props) {
  const active = text.trim() !== "" || errorsOnly;
  return (
    <div className="flex items-center gap-1" role="search">
      <input
        type="search"
        aria-label="Find in trace"
        title="Matches span names, services, attribute keys and values, events (exception type and message too) and status (“error”). Enter: next match, Shift+Enter: previous."
        placeholder="Find: name, attribute, event, error"
        value={text}
        onChange={(e) => onText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            onStep(e.shiftKey ? -1 : 1);
          }
        }}
        className="w-64 rounded border border-zinc-300 bg-white px-2 py-0.5 text-xs dark:border-zinc-700 dark:bg-zinc-900"
      />
      <label className="flex items-center gap-1 whitespace-nowrap text-xs">
        <input type="checkbox" className="m-1 size-4" checked={errorsOnly} onChange={(e) => onErrorsOnly(e.target.checked)} />
        Errors only
      </label>
      <span className="min-w-16 text-xs text-zinc-500" data-testid="find-count" aria-live="polite">
        {!active ? "" : count === 0 ? (searching ? "searching…" : "no match") : `${current + 1} / ${count}${searching ? "…" : ""}`}
      </span>
      <button type="button" aria-label="Previous match" disabled={count === 0} onClick={() => onStep(-1)} className="rounded px-1 text-xs hover:bg-zinc-100 disabled:opacity-40 dark:hover:bg-zinc-800">
        ↑
      </button>
      <button type="button" aria-label="Next match" disabled={count === 0} onClick={() => onStep(1)} className="rounded px-1 text-xs hover:bg-zinc-100 disabled:opacity-40 dark:hover:bg-zinc-800">
        ↓
      </button>
    </div>
  );
}

/** `value` once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
