import type { LatencyFilters as Filters } from "@/lib/latency/latency-params";
import type { LatencyReport } from "@/lib/latency/types";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { formatDuration } from "@/lib/format/duration";
import type { ZoneName } from "@/lib/format/time";
import { ZoneNote } from "@/components/preferences/zone-note";
import { JobsTable } from "./jobs-table";
import { LatencyFilters } from "./latency-filters";
import { LatencyHeatmap } from "./latency-heatmap";
import { LatencyHistogram } from "./latency-histogram";
import { OperationsTable } from "./operations-table";
import { PercentileChart } from "./percentile-chart";
import { TrafficCharts } from "./traffic-charts";
import { formatCount } from "@/lib/format/count";

interface Props {
  report: LatencyReport;
  tenants: TenantOption[];
  operations: { service: string; operation: string }[];
  filters: Filters;
  autoStep: string;
  query: Record<string, string | string[] | undefined>;
  /** The zone the heatmap labels its steps in (the charts read it themselves). */
  zone: ZoneName;
}

/** The /latency page body: filters, charts and tables of one report. */
export function LatencyView({ report, tenants, operations, filters, autoStep, query, zone }: Props) {
  const context = { tenants: filters.tenants, service: filters.service, operation: filters.operation };
  const hrefFor = (patch: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const one of typeof v === "string" ? [v] : (v ?? [])) params.append(k, one);
    for (const [k, v] of Object.entries(patch)) params.set(k, v);
    return `/latency?${params.toString()}`;
  };
  const steps = report.series.map((p) => p.t);
  return (
    <div className="space-y-6">
      <LatencyFilters tenants={tenants} operations={operations} autoStep={autoStep} />
      <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="latency-summary">
        {formatCount(report.weighted)} spans · p50 {report.overall.p50 === null ? "–" : formatDuration(report.overall.p50)} · p95{" "}
        {report.overall.p95 === null ? "–" : formatDuration(report.overall.p95)} · p99 {report.overall.p99 === null ? "–" : formatDuration(report.overall.p99)} · step{" "}
        {filters.step}
      </p>
      {report.estimated && (
        <p role="note" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm dark:border-amber-800 dark:bg-amber-950" data-testid="estimate-note">
          Estimates: part of this traffic was sampled, and each kept span counts for the traffic it stands for ({formatCount(report.spans)} stored
          spans stand for about {formatCount(report.weighted)}).
        </p>
      )}
      {report.series.length === 0 ? (
        <p className="text-zinc-500">No spans in this window for these filters (data past a tenant&apos;s retention is not shown).</p>
      ) : (
        <>
          <section>
            <h2 className="mb-1 text-sm font-semibold">
              Latency percentiles <ZoneNote className="ml-2 font-normal" />
            </h2>
            <PercentileChart series={report.series} stepMinutes={report.stepMinutes} context={context} />
          </section>
          <TrafficCharts series={report.series} stepMinutes={report.stepMinutes} context={context} />
          <div className="grid gap-4 lg:grid-cols-2">
            <LatencyHistogram bars={report.histogram} from={report.from} to={report.to} context={context} />
            <LatencyHeatmap
              cells={report.heatmap}
              steps={steps}
              stepMinutes={report.stepMinutes}
              context={context}
              window={{ from: new Date(report.from), to: new Date(report.to) }}
              zone={zone}
            />
          </div>
        </>
      )}
      <OperationsTable rows={report.operations} sort={filters.sort} hrefFor={hrefFor} />
      <JobsTable jobs={report.jobs} service={filters.service} />
    </div>
  );
}
