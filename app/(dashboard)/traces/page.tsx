import type { Metadata } from "next";
import { pageAccess } from "@/lib/auth/guard";
import { scopeOf } from "@/lib/auth/scope";
import { recentTraces } from "@/lib/traces/recent";
import { NoAccess } from "@/components/shell/no-access";
import { PageHeader } from "@/components/shell/page-header";
import { RecentTracesTable } from "@/components/traces/recent-traces-table";

export const metadata: Metadata = { title: "Traces" };

export default async function TracesPage() {
  const access = await pageAccess("traces:read");
  if (!access.allowed) return <NoAccess what="reading trace data" />;
  const traces = await recentTraces(scopeOf(access.user));
  return (
    <>
      <PageHeader title="Recent traces" />
      <RecentTracesTable traces={traces} />
    </>
  );
}
