import type { Metadata } from "next";
import { ComingSoon } from "@/components/shell/coming-soon";

export const metadata: Metadata = { title: "Latency" };

export default function LatencyPage() {
  return <ComingSoon action="traces:read" title="Latency" description="Percentiles over time, histograms and the operations table by tenant and service." />;
}
