import type { Metadata } from "next";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata: Metadata = { title: "Investigate" };

export default function InvestigatePage() {
  return <ComingSoon action="traces:read" title="Investigate" description="Errors by tenant, retry loops, slow requests and job lineage." />;
}
