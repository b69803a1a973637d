"use client";

import { FiltersPending } from "@/components/shell/navigation-progress";
import { TenantSelect } from "@/components/filters/tenant-select";
import { TimeRangePicker } from "@/components/filters/time-range-picker";
import { useUrlParams } from "@/components/filters/use-url-params";
import type { TenantOption } from "@/lib/tenants/in-scope";

const ROLES = ["admin", "investigator", "tenant_viewer", "auditor"];
const OUTCOMES = ["allowed", "denied", "success", "failure"];
const KNOWN_ACTIONS = ["trace.", "trace.search", "trace.view", "latency.view", "investigate.view", "audit.", "audit.view", "audit.export", "audit.review", "admin.", "auth."];
const field = "rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900";

/** Every filter of the access review, written to the URL; text fields apply on submit. */
export function AuditFilters({ tenants, users }: { tenants: readonly TenantOption[]; users: readonly string[] }) {
  const { params, setParams } = useUrlParams();
  const tenantFilter = params.getAll("tenant");
  return (
    <div className="mb-4 space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <TimeRangePicker defaultPreset="7d" />
        <TenantSelect tenants={tenants} />
        <select aria-label="Role" className={field} value={params.get("role") ?? ""} onChange={(e) => setParams({ role: e.target.value })}>
          <option value="">Any role</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <select aria-label="Outcome" className={field} value={params.get("outcome") ?? ""} onChange={(e) => setParams({ outcome: e.target.value })}>
          <option value="">Any outcome</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={params.get("data") === "trace"} onChange={(e) => setParams({ data: e.target.checked ? "trace" : null })} />
          Trace-data reads only
        </label>
        {tenantFilter.length > 0 && (
          <label className="flex items-center gap-1" title="Admins and investigators searching every tenant name none; include those reads.">
            <input type="checkbox" checked={params.get("unscoped") === "1"} onChange={(e) => setParams({ unscoped: e.target.checked ? "1" : null })} />
            Include unfiltered all-tenant reads
          </label>
        )}
        <FiltersPending />
      </div>
      <form
        // Remounts when the URL changes, so the fields show the filters in force.
        key={`${params.get("user")}|${params.get("action")}`}
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          setParams({ user: String(form.get("user") ?? "").trim(), action: String(form.get("action") ?? "").trim() });
        }}
      >
        <input name="user" aria-label="User" placeholder="user e-mail" list="audit-users" defaultValue={params.get("user") ?? ""} className={`${field} w-56`} />
        <datalist id="audit-users">
          {users.map((u) => (
            <option key={u} value={u} />
          ))}
        </datalist>
        <input name="action" aria-label="Action" placeholder="action, or prefix like trace." list="audit-actions" defaultValue={params.get("action") ?? ""} className={`${field} w-56`} />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit" className="rounded bg-zinc-800 px-2 py-1 text-white dark:bg-zinc-200 dark:text-zinc-900">
          Apply
        </button>
      </form>
      <WhoAccessedTenant tenants={tenants} />
    </div>
  );
}

/** The question an auditor asks most: who read this tenant's trace data? */
function WhoAccessedTenant({ tenants }: { tenants: readonly TenantOption[] }) {
  const { setParams } = useUrlParams();
  return (
    <form
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const tenant = String(new FormData(e.currentTarget).get("tenant") ?? "");
        if (tenant) setParams({ tenant: [tenant], data: "trace", action: null, outcome: null, user: null, role: null });
      }}
    >
      <span className="text-zinc-500">Who accessed the data of</span>
      <select name="tenant" aria-label="Tenant to review" className={field} defaultValue="">
        <option value="" disabled>
          tenant…
        </option>
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.id})
          </option>
        ))}
      </select>
      <button type="submit" className="rounded border border-zinc-300 px-2 py-1 dark:border-zinc-700">
        Show
      </button>
    </form>
  );
}
