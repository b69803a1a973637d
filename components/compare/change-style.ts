import type { Change } from "@/lib/compare/align";

/** Each change's badge colours in both themes; the badge always carries its text label too. */
export const CHANGE_BADGE: Record<Change, string> = {
  slower: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  faster: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  similar: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
  "only-a": "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300",
  "only-b": "bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-300",
};

/** The difference bar's colour: red where B is slower, green where faster, the one side's colour otherwise. */
export const CHANGE_BAR: Record<Change, string> = {
  slower: "bg-red-500",
  faster: "bg-emerald-500",
  similar: "bg-zinc-400",
  "only-a": "bg-amber-500",
  "only-b": "bg-sky-500",
};
