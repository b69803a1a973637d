import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { recentTraces } from "@/lib/traces/recent";
import { NoAccess } from "@/components/shell/no-access";
import { PageHeader } from "@/components/shell/page-header";
import { RecentTracesTable } from "@/components/traces/recent-traces-table";

export const metadata: Metadata = { title: "Traces" };

export default async function TracesPage() {
  const access = await pageAccess("traces:read", { audit: "trace.search", resource: "/traces", details: { view: "recent", limit: 50 } });
  if (!access.allowed) return <NoAccess what="reading trace data" />;
  const traces = await recentTraces(access.scope);
  return (
    <>
      <PageHeader title="Recent traces" />
      <RecentTracesTable traces={traces} />
    </>
  );
}
