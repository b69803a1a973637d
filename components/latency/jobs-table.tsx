import { formatDuration } from "@/lib/format/duration";
import type { JobRow } from "@/lib/latency/types";
import { escapeInvisible } from "@/lib/format/visible-text";
import { VisibleName } from "@/components/format/visible-name";
import { formatCount } from "@/lib/format/count";

const ns = (v: number | null) => (v === null ? "–" : formatDuration(v));

/** Per job name: queue wait (enqueue to worker start), run time per attempt, retries and failures. */
export function JobsTable({ jobs, service }: { jobs: JobRow[]; service: string | null }) {
  return (
    <section data-testid="jobs-table">
      <h2 className="mb-1 text-sm font-semibold">{service ? <>Jobs run by {escapeInvisible(service)}</> : "Jobs"}</h2>
      {jobs.length === 0 ? (
        <p className="text-zinc-500">No job runs {service ? "of this service " : ""}in this window.</p>
      ) : (
        <table className="w-full border-collapse">
          <thead>
            <tr className="border-b border-zinc-200 text-left text-xs text-zinc-500 dark:border-zinc-800">
              <th className="py-1.5 pr-3 font-medium">Job</th>
              <th className="py-1.5 pr-3 text-right font-medium">Attempts</th>
              <th className="py-1.5 pr-3 text-right font-medium">Retries</th>
              <th className="py-1.5 pr-3 text-right font-medium">Failed attempts</th>
              <th className="py-1.5 pr-3 text-right font-medium">Queue wait p50 / p95</th>
              <th className="py-1.5 pr-3 text-right font-medium">Run time p50 / p95</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.job} className="border-b border-zinc-100 dark:border-zinc-900">
                <td className="py-1 pr-3"><VisibleName text={j.job} /></td>
                <td className="py-1 pr-3 text-right">{formatCount(j.attempts)}</td>
                <td className="py-1 pr-3 text-right">{formatCount(j.retries)}</td>
                <td className="py-1 pr-3 text-right">{formatCount(j.failures)}</td>
                <td className="py-1 pr-3 text-right whitespace-nowrap">
                  {ns(j.waitP50Ns)} / {ns(j.waitP95Ns)}
                </td>
                <td className="py-1 pr-3 text-right whitespace-nowrap">
                  {ns(j.runP50Ns)} / {ns(j.runP95Ns)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
