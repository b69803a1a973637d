import type { IsolationLogRow } from "@/lib/admin/isolation-log";
import { td, th } from "./styles";
import { formatCount } from "@/lib/format/count";
import { Time } from "@/components/preferences/time-zone";

const REASONS: Record<string, string> = {
  shared_trace_id: "Started a trace under an id another tenant holds (stored as its own trace)",
  foreign_tenant: "A key scoped to one tenant wrote spans for another (refused)",
  conflicting_tenant_claims: "A span and its resource named different tenants (refused)",
  mixed_trace: "Spans joined another tenant's trace (refused, before traces were per tenant)",
};


/** The ingest isolation log: who wrote (or tried to write) across tenants, with which key. */
export function IsolationLogTable({ rows }: { rows: IsolationLogRow[] }) {
  if (rows.length === 0) return <p className="text-zinc-500">No isolation violations recorded.</p>;
  return (
    <table className="border-collapse" data-testid="isolation-log">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={th}>When</th>
          <th className={th}>What</th>
          <th className={th}>Spans for</th>
          <th className={th}>Other tenant</th>
          <th className={th}>Key</th>
          <th className={th}>Spans</th>
          <th className={th}>Trace id</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} className="border-b border-zinc-100 dark:border-zinc-900">
            <td className={`${td} whitespace-nowrap`}><Time at={r.at} /></td>
            <td className={td}>{REASONS[r.reason] ?? r.reason}</td>
            <td className={td}>{r.claimedTenant ?? "(invalid id)"}</td>
            <td className={td}>{r.ownerTenant ?? "—"}</td>
            <td className={td}>{r.keyName ? `${r.keyName} (${r.keyPrefix}…)` : "(deleted key)"}</td>
            <td className={td}>{formatCount(r.spans)}</td>
            <td className={`${td} font-mono text-xs`}>{r.traceId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
