"use client";

import { FiltersPending } from "@/components/shell/navigation-progress";
import { TenantSelect } from "@/components/filters/tenant-select";
import { TimeRangePicker } from "@/components/filters/time-range-picker";
import { useUrlParams } from "@/components/filters/use-url-params";
import { STEP_NAMES } from "@/lib/latency/step";
import type { TenantOption } from "@/lib/tenants/in-scope";
import { escapeInvisible } from "@/lib/format/visible-text";

const SELECT = "rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900";

/** Tenant, time range, service, operation and step, all written to the URL. */
export function LatencyFilters({ tenants, operations, autoStep }: { tenants: readonly TenantOption[]; operations: readonly { service: string; operation: string }[]; autoStep: string }) {
  const { params, setParams } = useUrlParams();
  const service = params.get("service") ?? "";
  const services = [...new Set(operations.map((o) => o.service))];
  const names = [...new Set(operations.filter((o) => !service || o.service === service).map((o) => o.operation))];
  // A service from a link or an older window: kept as chosen, never shown as "All services".
  const unseen = service !== "" && !services.includes(service);
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" data-testid="latency-filters">
      <TenantSelect tenants={tenants} />
      <TimeRangePicker />
      <label className="sr-only" htmlFor="latency-service">
        Service
      </label>
      <select id="latency-service" className={SELECT} value={service} onChange={(e) => setParams({ service: e.target.value, operation: null })}>
        <option value="">All services</option>
        {unseen && <option value={service}>{escapeInvisible(service)} (no spans here)</option>}
        {services.map((s) => (
          <option key={s} value={s}>
            {escapeInvisible(s)}
          </option>
        ))}
      </select>
      <label className="sr-only" htmlFor="latency-operation">
        Operation
      </label>
      <select id="latency-operation" className={SELECT} value={params.get("operation") ?? ""} onChange={(e) => setParams({ operation: e.target.value })}>
        <option value="">All operations</option>
        {names.map((o) => (
          <option key={o} value={o}>
            {escapeInvisible(o)}
          </option>
        ))}
      </select>
      <label className="sr-only" htmlFor="latency-step">
        Step
      </label>
      <select id="latency-step" className={SELECT} value={params.get("step") ?? ""} onChange={(e) => setParams({ step: e.target.value })}>
        <option value="">Step: auto ({autoStep})</option>
        {STEP_NAMES.map((s) => (
          <option key={s} value={s}>
            Step: {s}
          </option>
        ))}
      </select>
      <FiltersPending />
      {unseen && (
        <p role="note" className="w-full text-amber-800 dark:text-amber-300" data-testid="unseen-service">
          No spans of service “{escapeInvisible(service)}” in this time range and these tenants: the figures below are empty. Pick another service or a wider range.
        </p>
      )}
    </div>
  );
}
