import type { TenantOption } from "@/lib/tenants/in-scope";

export function TenantCheckboxes({ tenants, checked = [], legend }: { tenants: TenantOption[]; checked?: readonly string[]; legend: string }) {
  return (
    <fieldset className="space-y-1">
      <legend className="text-zinc-600 dark:text-zinc-400">{legend}</legend>
      <div className="flex max-w-xl flex-wrap gap-x-4 gap-y-1">
        {tenants.map((tenant) => (
          <label key={tenant.id} className="flex items-center gap-1.5">
            <input type="checkbox" name="tenantIds" value={tenant.id} defaultChecked={checked.includes(tenant.id)} />
            {tenant.name} <span className="text-zinc-500">({tenant.id})</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
