"use client";

import Link from "next/link";
import { createContext, useContext, useState } from "react";
import { compareHref } from "@/lib/compare/compare-params";

interface Picked {
  traceId: string;
  tenantId: string;
  durationNs: number;
}

interface Selection {
  picked: Picked[];
  toggle: (trace: Picked) => void;
}

const SelectionContext = createContext<Selection | null>(null);
const same = (x: Picked, y: Picked) => x.traceId === y.traceId && x.tenantId === y.tenantId;

/**
 * The search results with "select two → compare": up to two ticked rows, and the link that
 * compares them, the faster as the baseline A so that "slower" marks what is slow in the other.
 */
export function CompareSelection({ children }: { children: React.ReactNode }) {
  const [picked, setPicked] = useState<Picked[]>([]);
  const toggle = (trace: Picked) => setPicked((p) => (p.some((x) => same(x, trace)) ? p.filter((x) => !same(x, trace)) : p.length < 2 ? [...p, trace] : p));
  const [a, b] = [...picked].sort((x, y) => x.durationNs - y.durationNs);
  return (
    <SelectionContext.Provider value={{ picked, toggle }}>
      <div className="mb-2 flex items-center gap-2 text-xs" data-testid="compare-bar">
        {a && b ? (
          <Link href={compareHref(a, b)} prefetch={false} className="rounded bg-sky-700 px-2 py-0.5 font-medium text-white hover:bg-sky-800" data-testid="compare-picked">
            Compare the two selected
          </Link>
        ) : (
          <span className="text-zinc-500">Tick two traces to compare them{picked.length === 1 ? ": one more" : ""}.</span>
        )}
        {picked.length > 0 && (
          <button type="button" className="underline" onClick={() => setPicked([])}>
            Clear
          </button>
        )}
      </div>
      {children}
    </SelectionContext.Provider>
  );
}

/** A result row's tick box; a third is refused until one of the two is cleared. */
export function CompareCheckbox({ trace, label }: { trace: Picked; label: string }) {
  const selection = useContext(SelectionContext);
  if (!selection) return null;
  const checked = selection.picked.some((x) => same(x, trace));
  return (
    <input
      type="checkbox"
      aria-label={`Compare ${label}`}
      data-testid="compare-pick"
      checked={checked}
      disabled={!checked && selection.picked.length >= 2}
      onChange={() => selection.toggle(trace)}
    />
  );
}
