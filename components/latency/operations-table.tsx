import Link from "next/link";
import { formatDuration } from "@/lib/format/duration";
import type { OperationSort } from "@/lib/latency/latency-params";
import type { OperationRow } from "@/lib/latency/types";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";

const SORTS: { sort: OperationSort; label: string; value: (r: OperationRow) => number }[] = [
  { sort: "p95", label: "p95", value: (r) => r.p95Ns ?? 0 },
  { sort: "errors", label: "Error rate", value: (r) => r.errorRate },
  { sort: "time", label: "Total time", value: (r) => r.totalNs },
];

const LIMIT = 50;

function change(now: number | null, before: number | null | undefined): string {
  if (now === null || before == null || before === 0) return "new";
  const pct = ((now - before) / before) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(0)}%`;
}

function pointChange(now: number, before: number | undefined): string {
  if (before === undefined) return "new";
  const pts = (now - before) * 100;
  return `${pts >= 0 ? "+" : ""}${pts.toFixed(1)} pts`;
}

const Delta = ({ text }: { text: string }) => <span className="ml-1 text-xs text-zinc-500">({text})</span>;

/** Operations by p95, error rate or total time, each against the previous period of the same length. */
export function OperationsTable({ rows, sort, hrefFor }: { rows: OperationRow[]; sort: OperationSort; hrefFor: (patch: Record<string, string>) => string }) {
  const by = SORTS.find((s) => s.sort === sort)!;
  const shown = [...rows].sort((a, b) => by.value(b) - by.value(a)).slice(0, LIMIT);
  return (
    <section data-testid="operations-table">
      <h2 className="mb-1 text-sm font-semibold">
        Operations by {by.label.toLowerCase()} <span className="font-normal text-zinc-500">(change against the previous period)</span>
      </h2>
      <table className="w-full border-collapse">
        <thead>
          <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
            <th className="py-1.5 pr-3 font-medium">Service</th>
            <th className="py-1.5 pr-3 font-medium">Operation</th>
            <th className="py-1.5 pr-3 text-right font-medium">Spans</th>
            {SORTS.map((s) => (
              <th key={s.sort} className="py-1.5 pr-3 text-right font-medium" aria-sort={s.sort === sort ? "descending" : undefined}>
                <Link prefetch={false} href={hrefFor({ sort: s.sort })} className={s.sort === sort ? "text-zinc-900 underline dark:text-zinc-100" : "underline"}>
                  {s.label}
                </Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={`${r.service}\0${r.operation}`} className="border-b border-zinc-100 dark:border-zinc-900">
              <td className="py-1 pr-3 text-zinc-500"><VisibleName text={r.service} /></td>
              <td className="py-1 pr-3">
                <Link prefetch={false} className="hover:underline" href={hrefFor({ service: r.service, operation: r.operation })}>
                  <VisibleName text={r.operation} />
                </Link>
              </td>
              <td className="py-1 pr-3 text-right">{formatCount(r.count)}</td>
              <td className="py-1 pr-3 text-right whitespace-nowrap">
                {r.p95Ns === null ? "–" : formatDuration(r.p95Ns)}
                <Delta text={change(r.p95Ns, r.previous?.p95Ns)} />
              </td>
              <td className="py-1 pr-3 text-right whitespace-nowrap">
                {(r.errorRate * 100).toFixed(1)}%<Delta text={pointChange(r.errorRate, r.previous?.errorRate)} />
              </td>
              <td className="py-1 pr-3 text-right whitespace-nowrap">
                {formatDuration(r.totalNs)}
                <Delta text={change(r.totalNs, r.previous?.totalNs)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="py-2 text-zinc-500">No spans in this window.</p>}
    </section>
  );
}
