"use client";

import { FiltersPending } from "@/components/shell/navigation-progress";
import { TenantSelect } from "@/components/filters/tenant-select";
import { TimeRangePicker } from "@/components/filters/time-range-picker";
import type { TenantOption } from "@/lib/tenants/in-scope";

/** Tenant and time range, written to the URL as on the other views. */
export function ServiceMapFilters({ tenants }: { tenants: readonly TenantOption[] }) {
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" data-testid="service-map-filters">
      <TenantSelect tenants={tenants} />
      <TimeRangePicker />
      <FiltersPending />
    </div>
  );
}
