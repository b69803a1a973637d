import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { pageAccess } from "@/lib/auth/guard";
import { decodePathSegment } from "@/lib/http/path-segment";
import { isValidTenantId } from "@/lib/tenants/tenant-id";
import { parseTraceId } from "@/lib/traces/trace/trace-id";
import { traceViewAccess } from "@/lib/traces/trace/trace-page-access";
import { parseZoom } from "@/lib/waterfall/zoom-param";
import { TraceMessage } from "@/components/waterfall/trace-message";
import { TraceView } from "@/components/waterfall/trace-view";

export const metadata: Metadata = { title: "Trace" };

interface Props {
  params: Promise<{ traceId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function TracePage({ params, searchParams }: Props) {
  const { traceId: raw } = await params;
  const search = await searchParams;
  const tenantParam = typeof search.tenant === "string" ? search.tenant : undefined;
  const decoded = decodePathSegment(raw);
  const traceId = decoded === null ? null : parseTraceId(decoded);
  if (!traceId || (tenantParam !== undefined && !isValidTenantId(tenantParam))) {
    await pageAccess("traces:read", { audit: "trace.view", resource: raw, details: { rejected: "invalid trace id or tenant" } });
    // Malformed percent-encoding is no path to anything: 404, not the 500 decoding threw.
    if (decoded === null) notFound();
    return (
      <TraceMessage title="Not a trace id">
        “{raw.slice(0, 80)}” is not a trace id. A trace id is 32 hexadecimal digits, e.g. <code>4bf92f3577b34da6a3ce929d0e0e4736</code>.
      </TraceMessage>
    );
  }
  const page = await traceViewAccess(traceId, tenantParam);
  if (!page) {
    return (
      <TraceMessage title="Trace not found">
        No trace <code>{traceId}</code> in your tenants within their retention window.{" "}
        <Link href="/traces" prefetch={false} className="underline">
          Search traces
        </Link>
      </TraceMessage>
    );
  }
  const span = typeof search.span === "string" ? search.span.toLowerCase() : null;
  return <TraceView header={page.header} initialSpan={span} initialZoom={parseZoom(search.zoom)} viewerId={page.viewerId} lineageHref={page.lineageHref} />;
}
