"use client";

import Link from "next/link";
import { preload } from "react-dom";
import type { TypicalPick } from "@/lib/compare/typical";
import { formatDelta } from "@/lib/compare/format";
import { formatCount } from "@/lib/format/count";
import { formatDuration } from "@/lib/format/duration";
import type { TraceHeader } from "@/lib/traces/trace/trace-header";
import { VisibleName } from "@/components/format/visible-name";
import { Time } from "@/components/preferences/time-zone";
import { traceHref } from "@/lib/traces/trace/trace-href";
import { spansUrl, useTraceModel, type TraceLoad } from "@/components/waterfall/use-trace-model";
import { CompareTree } from "./compare-tree";

interface Props {
  a: TraceHeader;
  b: TraceHeader;
  typical: TypicalPick | null;
}

/** Two traces as one aligned tree, both span streams read at once (each its own audited read). */
export function CompareView({ a, b, typical }: Props) {
  preload(spansUrl(a.traceId, a.tenantId), { as: "fetch", crossOrigin: "anonymous" });
  preload(spansUrl(b.traceId, b.tenantId), { as: "fetch", crossOrigin: "anonymous" });
  const loadA = useTraceModel(a.traceId, a.tenantId, a.spanCount);
  const loadB = useTraceModel(b.traceId, b.tenantId, b.spanCount);
  const ns = (h: TraceHeader) => Number(h.durationNs);
  const total = ns(b) - ns(a);
  return (
    <div className="flex h-[calc(100vh-5.5rem)] flex-col" data-testid="compare-view">
      <header className="mb-2">
        <h1 className="text-base font-semibold">Compare traces</h1>
        <div className="mt-1 grid grid-cols-1 gap-2 text-xs md:grid-cols-2">
          <TraceCard side="A" header={a} />
          <TraceCard side="B" header={b} />
        </div>
        <p className="mt-1 text-xs" data-testid="compare-total">
          End to end, B is <span className="font-medium">{formatDelta({ delta: total, relative: ns(a) > 0 ? total / ns(a) : null })}</span> against A.
        </p>
        {typical && <TypicalNote b={b} typical={typical} />}
      </header>
      <LoadStatus side="A" load={loadA} expected={a.spanCount} />
      <LoadStatus side="B" load={loadB} expected={b.spanCount} />
      {loadA.state === "ready" && loadB.state === "ready" && <CompareTree a={a} b={b} A={loadA.model} B={loadB.model} />}
    </div>
  );
}

function TraceCard({ side, header }: { side: "A" | "B"; header: TraceHeader }) {
  return (
    <div className="rounded border border-zinc-200 p-2 dark:border-zinc-800" data-testid={`compare-trace-${side.toLowerCase()}`}>
      <p className="font-medium">
        <span className="mr-1 rounded bg-zinc-200 px-1 dark:bg-zinc-700">{side}</span>
        <Link href={traceHref(header.traceId, header.tenantId)} prefetch={false} className="underline">
          <span className="text-zinc-500"><VisibleName text={header.rootService ?? "?"} /></span> <VisibleName text={header.rootName ?? "(root span missing)"} />
        </Link>
      </p>
      <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">
        {formatDuration(BigInt(header.durationNs))} · {formatCount(header.spanCount)} spans · {formatCount(header.errorCount)} errors · <Time at={header.start} precision="millisecond" /> ·{" "}
        {header.tenantId}
      </p>
      <p className="font-mono text-[11px] text-zinc-500">trace {header.traceId}</p>
    </div>
  );
}

/** Which trace was picked as typical, and by what rule, in numbers. */
function TypicalNote({ b, typical }: { b: TraceHeader; typical: TypicalPick }) {
  return (
    <p className="mt-1 rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-900" data-testid="typical-note">
      A is the typical trace picked for B: of the {formatCount(typical.sample)} traces of{" "}
      <span className="font-medium">
        <VisibleName text={b.rootService ?? "?"} /> <VisibleName text={b.rootName ?? "?"} />
      </span>{" "}
      in tenant {typical.tenantId} started between <Time at={typical.from} /> and <Time at={typical.to} /> (an hour either side of B), the one whose
      duration, {formatDuration(BigInt(typical.durationNs))}, is nearest their median of {formatDuration(BigInt(typical.medianNs))}.
    </p>
  );
}

function LoadStatus({ side, load, expected }: { side: string; load: TraceLoad; expected: number }) {
  if (load.state === "loading") {
    return (
      <p className="text-sm text-zinc-500" role="status">
        Loading the spans of {side}… {formatCount(load.loaded)} of {formatCount(expected)}
      </p>
    );
  }
  if (load.state === "error") {
    return (
      <p role="alert" className="text-sm text-red-600">
        Could not load the spans of {side}: {load.message}
      </p>
    );
  }
  return null;
}
