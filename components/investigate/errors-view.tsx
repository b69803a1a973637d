import type { TenantErrors } from "@/lib/investigate/errors";
import { TraceLink } from "./trace-link";
import { Time } from "@/components/preferences/time-zone";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";

export function ErrorsView({ tenants }: { tenants: TenantErrors[] }) {
  if (tenants.length === 0) return <p className="text-zinc-500">No errors in these tenants and this time range.</p>;
  return (
    <div className="space-y-6" data-testid="errors-by-tenant">
      {tenants.map((tenant) => (
        <section key={tenant.tenantId} aria-label={`Errors of tenant ${tenant.tenantId}`} data-tenant={tenant.tenantId}>
          <h2 className="mb-1 font-semibold">
            {tenant.tenantId}{" "}
            <span className="font-normal text-zinc-500">
              {formatCount(tenant.traces)} failing {tenant.traces === 1 ? "trace" : "traces"}, {formatCount(tenant.spans)} error {tenant.spans === 1 ? "span" : "spans"}
            </span>
          </h2>
          <table className="w-full border-collapse">
            <thead>
              <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
                <th className="py-1 pr-3 font-medium">Tenant</th>
                <th className="py-1 pr-3 font-medium">Service</th>
                <th className="py-1 pr-3 font-medium">Error</th>
                <th className="py-1 pr-3 text-right font-medium">Spans</th>
                <th className="py-1 pr-3 text-right font-medium">Traces</th>
                <th className="py-1 pr-3 font-medium">First seen (UTC)</th>
                <th className="py-1 pr-3 font-medium">Last seen (UTC)</th>
                <th className="py-1 font-medium">Example</th>
              </tr>
            </thead>
            <tbody>
              {tenant.groups.map((g) => (
                <tr key={`${g.service}/${g.type}/${g.message}`} className="border-b border-zinc-100 align-top dark:border-zinc-900" data-testid="error-group">
                  <td className="py-1 pr-3">{g.tenantId}</td>
                  <td className="py-1 pr-3 text-zinc-600 dark:text-zinc-400"><VisibleName text={g.service} /></td>
                  <td className="max-w-xl py-1 pr-3">
                    <span className="font-medium text-red-700 dark:text-red-400">{g.type ?? "error status"}</span>{" "}
                    <span className="break-words text-zinc-700 dark:text-zinc-300" title={g.message ?? undefined}>
                      {g.message && g.message.length > 300 ? `${g.message.slice(0, 300)}…` : g.message}
                    </span>
                  </td>
                  <td className="py-1 pr-3 text-right">{formatCount(g.spans)}</td>
                  <td className="py-1 pr-3 text-right">{formatCount(g.traces)}</td>
                  <td className="py-1 pr-3 whitespace-nowrap text-zinc-500"><Time at={g.firstSeen} /></td>
                  <td className="py-1 pr-3 whitespace-nowrap text-zinc-500"><Time at={g.lastSeen} /></td>
                  <td className="py-1">
                    <TraceLink traceId={g.example.traceId} tenantId={g.tenantId} spanId={g.example.spanId} label={`Example trace of ${g.type ?? "error"} in ${g.tenantId}`}>
                      {g.example.traceId.slice(0, 8)}…
                    </TraceLink>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
