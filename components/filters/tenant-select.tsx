"use client";

import { useEffect, useId, useRef, useState } from "react";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { useUrlParams } from "./use-url-params";

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>) => a.size === b.size && [...a].every((x) => b.has(x));

/** Tenants whose name or id contains the typed text, ignoring case. */
export function filterTenants(tenants: readonly TenantOption[], text: string): readonly TenantOption[] {
  const needle = text.trim().toLowerCase();
  return needle ? tenants.filter((t) => t.name.toLowerCase().includes(needle) || t.id.toLowerCase().includes(needle)) : tenants;
}

/**
 * Multi-select of the tenants in the caller's scope (the server passes only those), written
 * to repeated `tenant` parameters; none selected means every tenant in scope. Ticking only
 * changes a draft: the choice applies once, in one navigation, when the list closes (Apply,
 * Enter, Escape, a click outside or on the button again); Cancel discards it. Type to filter;
 * arrows move between the filter and the boxes, Space ticks.
 */
export function TenantSelect({ tenants }: { tenants: readonly TenantOption[] }) {
  const { params, setParams } = useUrlParams();
  const applied = new Set(params.getAll("tenant"));
  const [draft, setDraft] = useState<Set<string> | null>(null);
  const [text, setText] = useState("");
  const box = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const filterBox = useRef<HTMLInputElement>(null);
  const listId = useId();
  const open = draft !== null;
  const shown = filterTenants(tenants, text);

  const close = (apply: boolean, refocus = true) => {
    if (apply && draft && !sameSet(draft, applied)) setParams({ tenant: [...draft].sort() });
    setDraft(null);
    setText("");
    if (refocus) trigger.current?.focus();
  };
  // Kept current for the document listener below without re-adding it on every tick.
  const closeRef = useRef(close);
  useEffect(() => {
    closeRef.current = close;
  });
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) closeRef.current(true, false);
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [open]);

  const toggle = (id: string) =>
    setDraft((d) => {
      const next = new Set(d);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const boxes = () => [...(box.current?.querySelectorAll<HTMLInputElement>(`#${CSS.escape(listId)} input[type=checkbox]`) ?? [])];
  const keys = (e: React.KeyboardEvent) => {
    // Enter on Cancel, Apply and the others is theirs; elsewhere it must not submit the search form the picker sits in.
    if (e.key === "Escape" || (e.key === "Enter" && !(e.target instanceof HTMLButtonElement))) {
      e.preventDefault();
      close(true);
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const list = boxes();
    const at = list.indexOf(e.target as HTMLInputElement);
    const next = e.key === "ArrowDown" ? at + 1 : at - 1;
    if (next < 0) filterBox.current?.focus();
    else list[Math.min(next, list.length - 1)]?.focus();
  };

  const label = applied.size === 0 ? "All tenants" : applied.size === 1 ? [...applied][0] : `${applied.size} tenants`;
  const button = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800";
  return (
    <div ref={box} className="relative">
      <button
        ref={trigger}
        type="button"
        aria-label={`Tenants: ${label}`}
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        className="rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        onClick={() => (open ? close(true) : setDraft(new Set(applied)))}
      >
        {label} ▾
      </button>
      {open && (
        <div className="absolute z-20 mt-1 w-80 rounded border border-zinc-300 bg-white p-2 shadow-lg dark:border-zinc-700 dark:bg-zinc-900" onKeyDown={keys}>
          <input
            ref={filterBox}
            autoFocus
            aria-label="Filter tenants"
            placeholder="Type to filter"
            className="mb-1 w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-950"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="mb-1 text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
            {shown.length === tenants.length ? `${tenants.length} tenants` : `${shown.length} of ${tenants.length} tenants`} · {draft.size === 0 ? "none ticked: all" : `${draft.size} ticked`}
          </p>
          <fieldset id={listId} className="max-h-72 overflow-auto">
            <legend className="sr-only">Tenants</legend>
            {shown.map((t) => (
              <label key={t.id} className="flex items-center gap-2 py-0.5">
                <input type="checkbox" checked={draft.has(t.id)} onChange={() => toggle(t.id)} />
                <span>{t.name}</span>
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{t.id}</span>
              </label>
            ))}
            {shown.length === 0 && <p className="py-1 text-xs text-zinc-600 dark:text-zinc-400">No tenant matches.</p>}
          </fieldset>
          <div className="mt-2 flex flex-wrap gap-2">
            <button type="button" className={button} onClick={() => setDraft((d) => new Set([...(d ?? []), ...shown.map((t) => t.id)]))} disabled={shown.length === 0}>
              Tick shown
            </button>
            <button type="button" className={button} onClick={() => setDraft(new Set())}>
              Clear
            </button>
            <span className="flex-1" />
            <button type="button" className={button} onClick={() => close(false)}>
              Cancel
            </button>
            <button type="button" className="rounded bg-zinc-800 px-2 py-0.5 text-xs text-white dark:bg-zinc-200 dark:text-zinc-900" onClick={() => close(true)}>
              Apply
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
