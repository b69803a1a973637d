"use client";

import { useState } from "react";
import { useUrlParams } from "@/components/filters/use-url-params";
import type { SlowRank } from "@/lib/investigate/investigate-params";

const LABELS: Record<SlowRank, string> = { request: "Request latency (root span)", "end-to-end": "End-to-end latency (jobs and handlers included)" };

/** Slow requests: which latency ranks them, written to `?rank=`. */
export function RankSelect({ rank }: { rank: SlowRank }) {
  const { setParams } = useUrlParams();
  // Keeps the choice while the page loads; the page remounts this when ?rank= changes.
  const [value, setValue] = useState(rank);
  return (
    <label className="flex items-center gap-1">
      <span className="text-zinc-500">Rank by</span>
      <select
        value={value}
        onChange={(e) => {
          setValue(e.target.value as SlowRank);
          setParams({ rank: e.target.value === "request" ? null : e.target.value });
        }}
        className="rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
      >
        {(Object.keys(LABELS) as SlowRank[]).map((value) => (
          <option key={value} value={value}>
            {LABELS[value]}
          </option>
        ))}
      </select>
    </label>
  );
}
