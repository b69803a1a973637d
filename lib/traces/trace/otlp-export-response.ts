import "server-only";
import type { TenantScope } from "@/db/tenant-scope";
import { writeOtlpExport } from "./otlp-export";
import type { TraceHeader } from "./trace-header";
import { transactionStream } from "./transaction-stream";

/** The export as a download, read while the client takes it (lib/traces/trace/transaction-stream.ts). */
export function otlpExportResponse(userId: string, scope: TenantScope, header: TraceHeader): Promise<Response> {
  return transactionStream({
    userId,
    scope,
    traceId: header.traceId,
    spans: header.spanCount,
    headers: {
      "content-type": "application/json",
      "content-disposition": `attachment; filename="trace-${header.traceId}.otlp.json"`,
    },
    produce: (tx, write) => writeOtlpExport(tx, header, write),
  });
}
