import { formatDuration } from "@/lib/format/duration";
import type { TraceSummary } from "@/lib/traces/recent";

export function RecentTracesTable({ traces }: { traces: TraceSummary[] }) {
  if (traces.length === 0) {
    return <p className="text-zinc-500">No traces in your tenants within their retention window.</p>;
  }
  return (
    <table className="w-full border-collapse" data-testid="recent-traces">
      <thead>
        <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
          <th className="py-1.5 pr-3 font-medium">Start (UTC)</th>
          <th className="py-1.5 pr-3 font-medium">Tenant</th>
          <th className="py-1.5 pr-3 font-medium">Root</th>
          <th className="py-1.5 pr-3 text-right font-medium">Duration</th>
          <th className="py-1.5 pr-3 text-right font-medium">Spans</th>
          <th className="py-1.5 pr-3 text-right font-medium">Errors</th>
          <th className="py-1.5 font-medium">Services</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr key={`${t.tenantId}/${t.traceId}`} className="border-b border-zinc-100 dark:border-zinc-900">
            <td className="py-1 pr-3 whitespace-nowrap text-zinc-500">{t.startTime.toISOString().replace("T", " ").slice(0, 23)}</td>
            <td className="py-1 pr-3">{t.tenantId}</td>
            <td className="py-1 pr-3">
              <span className="text-zinc-500">{t.rootService ?? "?"}</span> {t.rootName ?? "(root span missing)"}
            </td>
            <td className="py-1 pr-3 text-right">{formatDuration(t.durationNs)}</td>
            <td className="py-1 pr-3 text-right">{t.spanCount}</td>
            <td className={`py-1 pr-3 text-right ${t.errorCount > 0 ? "font-medium text-red-600 dark:text-red-400" : ""}`}>
              {t.errorCount}
            </td>
            <td className="py-1 text-zinc-500">{t.services.join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
