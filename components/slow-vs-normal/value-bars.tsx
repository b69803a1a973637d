import type { RankedValue } from "@/lib/slow-vs-normal/rank";

const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.1 ? 1 : 0)} %`;

function Bar({ label, share, count, of, className }: { label: string; share: number; count: number; of: number; className: string }) {
  return (
    <div className="grid grid-cols-[4.5rem_1fr_8.5rem] items-center gap-2">
      <span className="text-zinc-600 dark:text-zinc-400">{label}</span>
      <span className="h-2.5 rounded-sm bg-zinc-100 dark:bg-zinc-800" aria-hidden>
        <span className={`block h-full rounded-sm ${className}`} style={{ width: `${share * 100}%` }} />
      </span>
      <span className="text-right tabular-nums">
        {percent(share)} · {count.toLocaleString("en-US")} of {of.toLocaleString("en-US")}
      </span>
    </div>
  );
}

/** One value's share in the selection and in the rest, as bars with their numbers (never colour alone). */
export function ValueBars({ value, sampled }: { value: RankedValue; sampled: { selection: number; baseline: number } }) {
  return (
    <div className="text-[11px]" data-testid="value-bars">
      <Bar label="Selection" share={value.selectionShare} count={value.selection} of={sampled.selection} className="bg-sky-600 dark:bg-sky-400" />
      <Bar label="The rest" share={value.baselineShare} count={value.baseline} of={sampled.baseline} className="bg-zinc-400 dark:bg-zinc-500" />
    </div>
  );
}

export { percent };
