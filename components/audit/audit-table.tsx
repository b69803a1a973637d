import Link from "next/link";
import type { AuditRow } from "@/lib/audit/query";
import { detailLines } from "@/lib/audit/query-display";
import { Time } from "@/components/preferences/time-zone";

const th = "py-1.5 pr-3 text-left text-xs font-medium text-zinc-500";
const td = "py-1 pr-3 align-top";

const OUTCOME_STYLE: Record<string, string> = {
  denied: "font-medium text-red-600 dark:text-red-400",
  failure: "font-medium text-amber-700 dark:text-amber-400",
};

/** One page of audit rows; every value is text, escaped by React and encoded at write. */
export function AuditTable({ rows, nextHref, firstHref }: { rows: AuditRow[]; nextHref: string | null; firstHref: string | null }) {
  if (rows.length === 0) return <p className="text-zinc-500">No audit rows match these filters in this window.</p>;
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-xs" data-testid="audit-rows">
          <thead>
            <tr className="border-b border-zinc-200 dark:border-zinc-800">
              <th className={th}>When</th>
              <th className={th}>Who</th>
              <th className={th}>Role</th>
              <th className={th}>Action</th>
              <th className={th}>Resource</th>
              <th className={th}>Tenants</th>
              <th className={th}>Outcome</th>
              <th className={th}>Address · user agent</th>
              <th className={th}>Request · trace id</th>
              <th className={th}>Details</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.seq} data-seq={r.seq} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className={`${td} whitespace-nowrap`}>
                  <Time at={r.at} precision="millisecond" />
                </td>
                <td className={td}>{r.actorEmail ?? <span className="text-zinc-500">anonymous</span>}</td>
                <td className={td}>{r.role ?? "—"}</td>
                <td className={`${td} font-mono`}>{r.action}</td>
                <td className={`${td} max-w-48 break-all`}>{r.resource ?? "—"}</td>
                <td className={td}>{r.tenants.length ? r.tenants.join(", ") : <span className="text-zinc-500">none named</span>}</td>
                <td className={`${td} ${OUTCOME_STYLE[r.outcome] ?? ""}`}>{r.outcome}</td>
                <td className={`${td} max-w-56`}>
                  <div>{r.ip ?? "—"}</div>
                  <div className="break-all text-zinc-500">{r.userAgent ?? ""}</div>
                </td>
                <td className={`${td} font-mono`}>
                  <div>{r.requestId ?? "—"}</div>
                  <div className="text-zinc-500">{r.traceId ?? ""}</div>
                </td>
                <td className={`${td} max-w-80 font-mono break-all`}>
                  {detailLines(r.details).map((line, i) => (
                    <div key={i}>{line}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="mt-2 flex gap-4" aria-label="Pages">
        {firstHref && (
          <Link href={firstHref} prefetch={false} className="underline">
            ← Newest
          </Link>
        )}
        {nextHref && (
          <Link href={nextHref} prefetch={false} className="underline">
            Older →
          </Link>
        )}
      </nav>
    </>
  );
}
