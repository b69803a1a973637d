import Link from "next/link";
import { traceHref } from "@/lib/investigate/trace-link";

/** Opens a trace in the waterfall; never prefetched (a prefetch would be an audited read). */
export function TraceLink({ traceId, tenantId, spanId, children, label }: { traceId: string; tenantId: string; spanId?: string | null; children: React.ReactNode; label?: string }) {
  return (
    <Link href={traceHref(traceId, tenantId, spanId)} prefetch={false} aria-label={label} className="text-sky-700 underline decoration-dotted hover:decoration-solid dark:text-sky-400">
      {children}
    </Link>
  );
}
