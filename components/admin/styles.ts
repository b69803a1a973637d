export const input =
  "rounded border border-zinc-300 bg-white px-2 py-1 outline-none focus:border-sky-500 dark:border-zinc-700 dark:bg-zinc-950";
export const button =
  "rounded bg-sky-700 px-3 py-1 font-medium text-white hover:bg-sky-800 disabled:opacity-60";
export const quietButton =
  "rounded border border-zinc-300 px-2 py-0.5 hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800";
export const th = "py-1.5 pr-4 text-left text-xs font-medium text-zinc-500";
export const td = "py-1 pr-4 align-top";
