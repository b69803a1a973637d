import type { RequestStats } from "./stats";

/** A span of time during which something that may slow the others was busy (epoch ms). */
export interface Busy {
  from: number;
  to: number;
}

const overlaps = (a: Busy, b: Busy) => a.from < b.to && b.from < a.to;

/** The share of [from, to] that the busy intervals cover (overlapping intervals counted once). */
function coverage(busy: readonly Busy[], from: number, to: number): number {
  let covered = 0;
  let end = from;
  for (const b of [...busy].sort((x, y) => x.from - y.from)) {
    const start = Math.max(b.from, end);
    const stop = Math.min(b.to, to);
    if (stop > start) covered += stop - start;
    end = Math.max(end, stop);
  }
  return to > from ? covered / (to - from) : 0;
}

/**
 * How many of a kind's slowest answers (its top 1 %, at least five) were under way while each
 * suspect was busy, beside the share of the run that suspect was busy: a suspect that explains
 * the p99 overlaps far more of the slow answers than its share of the time.
 */
export function slowAnswersAgainst(stats: RequestStats, suspects: Record<string, readonly Busy[]>, run: Busy, excluded: (at: number) => boolean): string {
  const n = Math.max(5, Math.ceil(stats.percentileCount(excluded) / 100));
  const slow = stats.slowest(n, excluded).map((s) => ({ from: s.startedAt, to: s.startedAt + s.ms, ms: s.ms }));
  if (slow.length === 0) return "no answers";
  const parts = Object.entries(suspects).map(([name, busy]) => {
    const hit = slow.filter((s) => busy.some((b) => overlaps(s, b))).length;
    return `${hit}/${slow.length} during ${name} (busy ${Math.round(coverage(busy, run.from, run.to) * 100)} % of the run)`;
  });
  const times = slow.slice(0, 5).map((s) => `+${((s.from - run.from) / 1000).toFixed(1)} s ${Math.round(s.ms)} ms`).join(", ");
  return `${parts.join(", ")}; slowest: ${times}`;
}
