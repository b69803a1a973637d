import Link from "next/link";
import type { PrivilegedAccessSummary } from "@/lib/audit/summary";
import { Time } from "@/components/preferences/time-zone";

const th = "py-1.5 pr-4 text-left text-xs font-medium text-zinc-500";
const td = "py-1 pr-4 align-top";

/** Per user over the window: trace-data reads, tenants touched, refusals, last access. */
export function AccessSummaryTable({ rows, hrefForUser }: { rows: PrivilegedAccessSummary[]; hrefForUser: (email: string) => string }) {
  if (rows.length === 0) return <p className="text-zinc-500">No signed-in activity in this window.</p>;
  return (
    <table className="border-collapse" data-testid="access-summary">
      <thead>
        <tr className="border-b border-zinc-200 dark:border-zinc-800">
          <th className={th}>User</th>
          <th className={th}>Role</th>
          <th className={th}>Tenants touched</th>
          <th className={`${th} text-right`}>Trace-data accesses</th>
          <th className={`${th} text-right`}>Denied attempts</th>
          <th className={th}>Last trace-data access</th>
          <th className={th}>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => (
          <tr key={s.actorId} className="border-b border-zinc-100 dark:border-zinc-900" data-user={s.email ?? ""}>
            <td className={td}>
              {s.email ? (
                <Link href={hrefForUser(s.email)} prefetch={false} className="underline">
                  {s.email}
                </Link>
              ) : (
                s.actorId
              )}
              {s.disabled && <span className="ml-1 text-xs text-zinc-500">(disabled)</span>}
            </td>
            <td className={td}>
              {s.currentRole ?? "no role"}
              {s.rolesSeen.length > 0 && <span className="text-xs text-zinc-500"> (was {s.rolesSeen.join(", ")})</span>}
            </td>
            <td className={td}>
              {s.tenantsTouched.join(", ") || (s.unscopedAccesses ? "" : "—")}
              {s.unscopedAccesses > 0 && <span className="text-xs text-zinc-500"> {s.tenantsTouched.length ? "+ " : ""}all tenants ({s.unscopedAccesses} unfiltered)</span>}
            </td>
            <td className={`${td} text-right`} data-testid="trace-accesses">
              {s.traceDataAccesses}
            </td>
            <td className={`${td} text-right ${s.deniedAttempts ? "font-medium text-red-600 dark:text-red-400" : ""}`}>{s.deniedAttempts}</td>
            <td className={`${td} whitespace-nowrap`}>{s.lastTraceDataAccess ? <Time at={s.lastTraceDataAccess} precision="millisecond" /> : "—"}</td>
            <td className={`${td} whitespace-nowrap`}><Time at={s.lastSeen} precision="millisecond" /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
