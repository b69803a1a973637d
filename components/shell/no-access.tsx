import type { TenantRefusal } from "@/lib/auth/tenant-denial";

/** HTTP 403: the role does not allow the page, or (`tenants`) the address names tenants outside the user's scope. */
export function NoAccess({ what = "this page", tenants }: { what?: string; tenants?: TenantRefusal | null }) {
  return (
    <div role="alert" className="mx-auto mt-16 max-w-md rounded-lg border border-amber-300 bg-amber-50 p-5 dark:border-amber-800 dark:bg-amber-950">
      <h1 className="mb-1 font-semibold">No access</h1>
      {tenants ? (
        <p className="text-zinc-700 dark:text-zinc-300" data-testid="tenant-refused">
          Your tenant scope does not include {tenants.tenants.length === 1 ? "tenant" : "tenants"} {tenants.tenants.map((t) => `“${t}”`).join(", ")}, which this
          address asks for. Your role allows this page:{" "}
          {/* A full load: Next's 403 boundary stays up on a client navigation within the same path. */}
          <a href={tenants.href} className="text-sky-700 underline dark:text-sky-400">
            open it for your own tenants
          </a>
          , or ask an administrator for access to {tenants.tenants.length === 1 ? "that tenant" : "those tenants"}.
        </p>
      ) : (
        <p className="text-zinc-700 dark:text-zinc-300">Your role does not allow {what}. Ask an administrator if you need it.</p>
      )}
    </div>
  );
}
