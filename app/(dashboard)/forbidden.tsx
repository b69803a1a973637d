import { headers } from "next/headers";
import { getCurrentUser } from "@/lib/auth/current-user";
import { tenantRefusal } from "@/lib/auth/tenant-denial";
import { PAGE_URL_HEADER } from "@/lib/http/page-url";
import { NoAccess } from "@/components/shell/no-access";

/** HTTP 403 for a page the signed-in user's role, or tenant scope, does not allow, inside the dashboard shell. */
export default async function Forbidden() {
  const user = await getCurrentUser();
  if (!user?.role) return <NoAccess what="anything in Trace Explorer yet" />;
  return <NoAccess tenants={tenantRefusal(user, (await headers()).get(PAGE_URL_HEADER))} />;
}
