"use client";

const button = "rounded border border-zinc-300 px-2 py-0.5 text-xs hover:bg-zinc-100 disabled:opacity-40 dark:border-zinc-700 dark:hover:bg-zinc-800";

/** Jumps from the selected span to the next or previous span with error status (keys E and Shift+E on the spans). */
export function ErrorNav({ count, onStep }: { count: number; onStep: (delta: 1 | -1) => void }) {
  return (
    <div className="flex items-center gap-1" data-testid="error-nav">
      <span className="text-xs text-zinc-500">{count === 1 ? "1 error" : `${count.toLocaleString("en-US")} errors`}</span>
      <button type="button" className={button} disabled={count === 0} title="Previous error (Shift+E on the spans)" aria-keyshortcuts="Shift+E" onClick={() => onStep(-1)}>
        ← Previous error
      </button>
      <button type="button" className={button} disabled={count === 0} title="Next error (E on the spans)" aria-keyshortcuts="E" onClick={() => onStep(1)}>
        Next error →
      </button>
    </div>
  );
}
