import type { Metadata } from "next";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return <ComingSoon action="audit:read" title="Audit" description="The access review: who read which tenant's data, and every administrative change." />;
}
