import { formatDuration } from "@/lib/format/duration";
import type { Change, NodeDiff } from "./align";

/** What each change is called on screen: the text that goes with its colour. */
export const CHANGE_LABELS: Record<Change, string> = {
  slower: "slower",
  faster: "faster",
  similar: "same",
  "only-a": "only A",
  "only-b": "only B",
};

/** B − A as "+12.3ms (+45%)" or "−2.00ms (−10%)"; "—" for a span of one trace only. */
export function formatDelta(diff: Pick<NodeDiff, "delta" | "relative">): string {
  if (diff.delta === null) return "—";
  const sign = diff.delta > 0 ? "+" : diff.delta < 0 ? "−" : "±";
  const rel = diff.relative === null ? "" : ` (${sign}${Math.round(Math.abs(diff.relative) * 100)}%)`;
  return `${sign}${formatDuration(Math.round(Math.abs(diff.delta)))}${rel}`;
}
